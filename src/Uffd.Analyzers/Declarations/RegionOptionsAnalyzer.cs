using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Reports the first <c>[FaultRegion]</c> option the generator rejects (<see cref="RegionDeclarationRules.FindOptionProblem"/>)
/// on the attribute argument that sets it: UFFD0007 (invalid value), UFFD0012 (Minor on anonymous memory), UFFD0013
/// (an option the mode ignores), UFFD0040 (negative Pages), UFFD0045 (Pages above the maximum). Arguments that do not
/// bind are the compiler's to report.
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

        if (RegionDeclarationRules.FindOptionProblem(options) is not { Argument: { } argument } problem)
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
            RegionDeclarationError.ReadAheadWithoutMissing or RegionDeclarationError.ProtectOnFillWithoutMissingAndWriteProtect
                or RegionDeclarationError.AsynchronousTrackingWithoutWriteProtect or RegionDeclarationError.ProtectOnFillWithAsynchronousTracking =>
                Diagnostic.Create(DiagnosticDescriptors.OptionWithoutEffect, location, type.Name, argument),
            _ => Diagnostic.Create(DiagnosticDescriptors.InvalidRegionOption, location, type.Name, problem.Reason),
        });
    }
}
