using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Checks a region's <c>[PageProvider]</c> and <c>[WriteHandler]</c> methods against its mode, with the generator's
/// signature rules (<see cref="RegionDeclarationRules.CheckProviderSignature"/>): UFFD0010 (no provider), UFFD0011 (write
/// protection without a handler; synchronous tracking only), UFFD0020/0023 (bad signature), UFFD0021/0024 (more than one), UFFD0025 (never called),
/// UFFD0026 (a bodiless partial or <c>[Conditional]</c> callback, whose calls the compiler removes), UFFD0027 (an
/// <c>[Obsolete]</c>-as-error callback, whose generated call would not compile).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RegionCallbacksAnalyzer : RegionTypeAnalyzer
{
    private const string ProviderAttribute = "PageProviderAttribute";
    private const string WriteHandlerAttribute = "WriteHandlerAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MissingProvider,
        DiagnosticDescriptors.WriteProtectWithoutHandler,
        DiagnosticDescriptors.InvalidProviderSignature,
        DiagnosticDescriptors.MultipleProviders,
        DiagnosticDescriptors.InvalidWriteHandlerSignature,
        DiagnosticDescriptors.MultipleWriteHandlers,
        DiagnosticDescriptors.CallbackNeverCalled,
        DiagnosticDescriptors.CallbackCompiledAway,
        DiagnosticDescriptors.CallbackObsoleteAsError);

    private protected override void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class
            || RegionSymbols.FindRegionAttribute(type, attribute) is null
            || RegionDeclarationRules.ReadOptions(type, out RegionOptions options) is not null
            || options.Mode == RegionFaultMode.None
            || (options.Mode & ~RegionFaultMode.All) != 0)
        {
            return;
        }

        var providers = new List<IMethodSymbol>();
        var writeHandlers = new List<IMethodSymbol>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IMethodSymbol method)
            {
                if (RegionSymbols.HasRuntimeAttribute(method, ProviderAttribute))
                {
                    providers.Add(method);
                }

                if (RegionSymbols.HasRuntimeAttribute(method, WriteHandlerAttribute))
                {
                    writeHandlers.Add(method);
                }
            }
        }

        CheckProviders(context, type, options, providers);
        CheckWriteHandlers(context, type, options, writeHandlers);
    }

    private static void CheckProviders(SymbolAnalysisContext context, INamedTypeSymbol type, in RegionOptions options, List<IMethodSymbol> providers)
    {
        if (providers.Count == 0)
        {
            if (options.NeedsProvider)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MissingProvider, RegionSymbols.NameLocation(type, context.CancellationToken),
                    type.Name, RegionSymbols.DescribeFaults(options.Mode)));
            }

            return;
        }

        for (int i = 0; i < providers.Count; i++)
        {
            IMethodSymbol provider = providers[i];
            Location location = RegionSymbols.MethodNameLocation(provider, context.CancellationToken);
            if (!options.NeedsProvider)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallbackNeverCalled, location, provider.Name, "[PageProvider]", type.Name));
            }
            else if (i > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MultipleProviders, location, type.Name, providers[0].Name, provider.Name));
            }
            else if (RegionDeclarationRules.CheckProviderSignature(provider) is { Signature: null } check && !HasErrorTypes(provider))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidProviderSignature, location, provider.Name, check.Reason));
            }
            else
            {
                ReportIfNotCallable(context, provider, location, "[PageProvider]");
            }
        }
    }

    private static void CheckWriteHandlers(SymbolAnalysisContext context, INamedTypeSymbol type, in RegionOptions options, List<IMethodSymbol> handlers)
    {
        if (handlers.Count == 0)
        {
            if (options.HasSynchronousWriteProtect)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.WriteProtectWithoutHandler, RegionSymbols.NameLocation(type, context.CancellationToken), type.Name));
            }

            return;
        }

        for (int i = 0; i < handlers.Count; i++)
        {
            IMethodSymbol handler = handlers[i];
            Location location = RegionSymbols.MethodNameLocation(handler, context.CancellationToken);
            if (!options.HasSynchronousWriteProtect)
            {
                // No WriteProtect, or asynchronous tracking: the kernel resolves those writes without a message.
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallbackNeverCalled, location, handler.Name, "[WriteHandler]", type.Name));
            }
            else if (i > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MultipleWriteHandlers, location, type.Name, handlers[0].Name, handler.Name));
            }
            else if (RegionDeclarationRules.CheckWriteHandlerSignature(handler) is { Signature: null } check && !HasErrorTypes(handler))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidWriteHandlerSignature, location, handler.Name, check.Reason));
            }
            else
            {
                ReportIfNotCallable(context, handler, location, "[WriteHandler]");
            }
        }
    }

    /// <summary>True when a type in the signature did not bind: the compiler already reports it.</summary>
    private static bool HasErrorTypes(IMethodSymbol method)
    {
        if (method.ReturnType.TypeKind == TypeKind.Error)
        {
            return true;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Type.TypeKind == TypeKind.Error)
            {
                return true;
            }
        }

        return false;
    }

    private static void ReportIfNotCallable(SymbolAnalysisContext context, IMethodSymbol method, Location location, string role)
    {
        if (RegionDeclarationRules.IsCompiledAway(method))
        {
            string why = method.IsPartialDefinition && method.PartialImplementationPart is null
                ? "is a partial method with no body"
                : "is [Conditional]";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallbackCompiledAway, location, method.Name, role, why));
        }
        else if (RegionDeclarationRules.IsObsoleteAsError(method))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallbackObsoleteAsError, location, method.Name, role));
        }
    }
}
