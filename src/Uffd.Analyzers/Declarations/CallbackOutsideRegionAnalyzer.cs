using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// UFFD0022: a <c>[PageProvider]</c> or <c>[WriteHandler]</c> method in a type without <c>[FaultRegion]</c>, unless it
/// overrides the callback of a region it derives from (the region's call then runs it).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CallbackOutsideRegionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CallbackOutsideRegion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? attribute = start.Compilation.GetTypeByMetadataName(RegionDeclarationRules.FaultRegionAttributeMetadataName);
            if (attribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, attribute), SymbolKind.Method);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var method = (IMethodSymbol)context.Symbol;
        INamedTypeSymbol? type = method.ContainingType;
        if (type is null || RegionSymbols.FindRegionAttribute(type, attribute) is not null)
        {
            return;
        }

        string? attributeName = RegionSymbols.HasRuntimeAttribute(method, "PageProviderAttribute") ? "PageProviderAttribute"
            : RegionSymbols.HasRuntimeAttribute(method, "WriteHandlerAttribute") ? "WriteHandlerAttribute"
            : null;
        if (attributeName is not null && !OverridesRegionCallback(method, attribute, attributeName))
        {
            string kind = attributeName == "PageProviderAttribute" ? "[PageProvider]" : "[WriteHandler]";
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.CallbackOutsideRegion, RegionSymbols.MethodNameLocation(method, context.CancellationToken),
                method.Name, kind, type.Name));
        }
    }

    /// <summary>
    /// An override, in a class derived from a region, of the region's own callback: the generated call reaches it by
    /// virtual dispatch, so the attribute copied onto it is redundant, not a callback nobody calls.
    /// </summary>
    private static bool OverridesRegionCallback(IMethodSymbol method, INamedTypeSymbol attribute, string attributeName)
    {
        for (IMethodSymbol? overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (RegionSymbols.FindRegionAttribute(overridden.ContainingType, attribute) is not null
                && RegionSymbols.HasRuntimeAttribute(overridden, attributeName))
            {
                return true;
            }
        }

        return false;
    }
}
