using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Reports the first <c>[FaultRegion]</c> option the generator rejects (<see cref="RegionDeclarationRules.CheckOptions"/>)
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

        RegionDeclarationError? error = RegionDeclarationRules.CheckOptions(options);
        if (error is null)
        {
            return;
        }

        string? argument = ArgumentOf(error.Value);
        if (argument is null)
        {
            return;
        }

        Location location = RegionSymbols.ArgumentLocation(data, argument, context.CancellationToken);
        context.ReportDiagnostic(error.Value switch
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
            _ => Diagnostic.Create(DiagnosticDescriptors.InvalidRegionOption, location, type.Name, Reason(error.Value, options)),
        });
    }

    private static string? ArgumentOf(RegionDeclarationError error) => error switch
    {
        RegionDeclarationError.InvalidMode => "Mode",
        RegionDeclarationError.InvalidMemory => "Memory",
        RegionDeclarationError.InvalidProviderErrorPolicy => "OnProviderError",
        RegionDeclarationError.NegativePages or RegionDeclarationError.PagesAboveMaximum => "Pages",
        RegionDeclarationError.NegativeHandlerThreads => "HandlerThreads",
        RegionDeclarationError.NegativeReadAhead or RegionDeclarationError.ReadAheadWithoutMissing => "ReadAhead",
        RegionDeclarationError.MinorOnAnonymousMemory => "Memory",
        RegionDeclarationError.ProtectOnFillWithoutMissingAndWriteProtect => "ProtectOnFill",
        RegionDeclarationError.InvalidWriteTracking or RegionDeclarationError.AsynchronousTrackingWithoutWriteProtect => "WriteTracking",
        RegionDeclarationError.InvalidUserModeOnly => "UserModeOnly",
        RegionDeclarationError.ProtectOnFillWithAsynchronousTracking => "ProtectOnFill",
        _ => null,
    };

    private static string Reason(RegionDeclarationError error, in RegionOptions options) => error switch
    {
        RegionDeclarationError.InvalidMode when options.Mode == RegionFaultMode.None => "Mode has no fault kind; use Missing, WriteProtect, Minor or a combination",
        RegionDeclarationError.InvalidMode => $"Mode = {Invariant((int)options.Mode)} has bits that are not FaultMode values",
        RegionDeclarationError.InvalidMemory => $"Memory = {Invariant((int)options.Memory)} is not a RegionMemory value",
        RegionDeclarationError.InvalidProviderErrorPolicy => $"OnProviderError = {Invariant((int)options.OnProviderError)} is not a ProviderErrorPolicy value",
        RegionDeclarationError.NegativeHandlerThreads => $"HandlerThreads = {Invariant(options.HandlerThreads)} is negative; 0 means one per CPU",
        RegionDeclarationError.NegativeReadAhead => $"ReadAhead = {Invariant(options.ReadAhead)} is negative",
        RegionDeclarationError.InvalidWriteTracking => $"WriteTracking = {Invariant((int)options.WriteTracking)} is not a WriteTracking value",
        RegionDeclarationError.InvalidUserModeOnly => $"UserModeOnly = {Invariant((int)options.UserModeOnly)} is not a UserModeOnlyPolicy value",
        _ => error.ToString(),
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
