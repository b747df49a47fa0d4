using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Reports the first <c>[FaultRegion]</c> option the generator rejects (<see cref="RegionDeclarationRules.FindOptionProblem"/>)
/// on the attribute argument that sets it: UFFD0007 (invalid value), UFFD0012 (Minor on anonymous memory), UFFD0013
/// (an option the mode ignores, or one a remote region takes from its process), UFFD0040 (negative Pages), UFFD0045 (Pages above the maximum); then the options
/// that depend on the provider: UFFD0007 on <c>[PageProvider(MaxPagesPerCall = n)]</c> below 1, UFFD0013 on
/// <c>MaxFaultsInFlight</c> without an asynchronous provider. Arguments that do not bind are the compiler's to report.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RegionOptionsAnalyzer : RegionTypeAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidRegionOption,
        DiagnosticDescriptors.MinorOnAnonymousMemory,
        DiagnosticDescriptors.OptionWithoutEffect,
        DiagnosticDescriptors.NegativePages,
        DiagnosticDescriptors.PagesAboveMaximum);

    private protected override void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? data = RegionSymbols.FindRegionAttribute(type, attribute);
        if (data is null || type.TypeKind != TypeKind.Class || RegionDeclarationRules.ReadOptions(type, out RegionOptions options) is not null)
        {
            return;
        }

        RegionOptionProblem? found = RegionDeclarationRules.FindOptionProblem(options);
        if (found is null)
        {
            IMethodSymbol? provider = FirstProvider(type);
            if (provider is not null)
            {
                CheckMaxPagesPerCall(context, type, provider);
            }

            CheckMaxFaultsInFlight(context, type, options, data, provider);
            return;
        }

        if (found is not { Argument: { } argument } problem)
        {
            return;
        }

        Location location = RegionSymbols.ArgumentLocation(data, argument, context.CancellationToken);
        context.ReportDiagnostic(problem.Error switch
        {
            RegionDeclarationError.NegativePages => Diagnostic.Create(
                DiagnosticDescriptors.NegativePages, location, type.Name, options.Pages.ToString(CultureInfo.InvariantCulture)),
            RegionDeclarationError.PagesAboveMaximum => Diagnostic.Create(
                DiagnosticDescriptors.PagesAboveMaximum, location, type.Name, options.Pages.ToString(CultureInfo.InvariantCulture),
                RegionDeclarationRules.MaxRegionPages.ToString(CultureInfo.InvariantCulture)),
            RegionDeclarationError.MinorOnAnonymousMemory => Diagnostic.Create(DiagnosticDescriptors.MinorOnAnonymousMemory, location, type.Name),
            RegionDeclarationError.SequentialReadAheadWithoutReadAhead =>
                Diagnostic.Create(DiagnosticDescriptors.OptionWithoutEffect, location, type.Name, "ReadAheadMode = Sequential", "without ReadAhead (the most pages it reads ahead)"),
            RegionDeclarationError.ReadAheadWithoutMissing or RegionDeclarationError.ProtectOnFillWithoutMissingAndWriteProtect
                or RegionDeclarationError.AsynchronousTrackingWithoutWriteProtect or RegionDeclarationError.ProtectOnFillWithAsynchronousTracking =>
                Diagnostic.Create(DiagnosticDescriptors.OptionWithoutEffect, location, type.Name, argument, "in this mode"),
            RegionDeclarationError.RemoteWithLocalOption => Diagnostic.Create(
                DiagnosticDescriptors.OptionWithoutEffect, location, type.Name, argument, "in a remote region (the remote process's memory and uffd decide it)"),
            _ => Diagnostic.Create(DiagnosticDescriptors.InvalidRegionOption, location, type.Name, problem.Reason),
        });
    }

    /// <summary>UFFD0013: MaxFaultsInFlight bounds an asynchronous provider's calls; a synchronous one (or none) has none in flight.</summary>
    private static void CheckMaxFaultsInFlight(
        SymbolAnalysisContext context, INamedTypeSymbol type, in RegionOptions options, AttributeData region, IMethodSymbol? provider)
    {
        if (options.MaxFaultsInFlight == 0)
        {
            return;
        }

        string? why = null;
        if (provider is null)
        {
            why = "without a [PageProvider]";
        }
        else if (RegionDeclarationRules.GetProviderSignature(provider) is { IsAsynchronous: false })
        {
            why = "with a synchronous provider (it bounds an asynchronous provider's outstanding calls)";
        }

        if (why is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.OptionWithoutEffect, RegionSymbols.ArgumentLocation(region, "MaxFaultsInFlight", context.CancellationToken),
                type.Name, "MaxFaultsInFlight", why));
        }
    }

    /// <summary>UFFD0007 on <c>[PageProvider(MaxPagesPerCall = n)]</c> with n below 1.</summary>
    private static void CheckMaxPagesPerCall(SymbolAnalysisContext context, INamedTypeSymbol type, IMethodSymbol provider)
    {
        foreach (AttributeData attribute in provider.GetAttributes())
        {
            if (!RegionDeclarationRules.IsRuntimeType(attribute.AttributeClass, "PageProviderAttribute"))
            {
                continue;
            }

            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "MaxPagesPerCall" && argument.Value.Value is int pages && pages < 1)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.InvalidRegionOption, RegionSymbols.ArgumentLocation(attribute, "MaxPagesPerCall", context.CancellationToken),
                        type.Name, $"[PageProvider(MaxPagesPerCall = {pages.ToString(System.Globalization.CultureInfo.InvariantCulture)})] must be at least 1: it is the most pages one call fills"));
                }
            }
        }
    }

    /// <summary>The class's first <c>[PageProvider]</c> method (a second one is UFFD0021's), or null.</summary>
    private static IMethodSymbol? FirstProvider(INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IMethodSymbol method && RegionSymbols.HasRuntimeAttribute(method, "PageProviderAttribute"))
            {
                return method;
            }
        }

        return null;
    }
}
