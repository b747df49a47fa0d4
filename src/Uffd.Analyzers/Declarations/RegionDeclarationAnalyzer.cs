using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Reports why the shape of a <c>[FaultRegion]</c> class keeps it from being generated (UFFD0001-0005), using the
/// generator's own rules (<see cref="RegionDeclarationRules.FindTypeProblem"/>), so the two never disagree. Like the
/// generator, it reports the first broken rule only.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RegionDeclarationAnalyzer : RegionTypeAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.RegionNotPartial,
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.RegionGeneric,
        DiagnosticDescriptors.RegionStatic,
        DiagnosticDescriptors.RegionNotPlainClass);

    private protected override void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (RegionSymbols.FindRegionAttribute(type, attribute) is null)
        {
            return;
        }

        if (RegionDeclarationRules.FindTypeProblem(type, context.CancellationToken) is not { } problem)
        {
            return;
        }

        Location location = RegionSymbols.NameLocation(type, context.CancellationToken);
        INamedTypeSymbol? container = problem.Container;
        Diagnostic? diagnostic = problem.Error switch
        {
            RegionDeclarationError.NotPartial => Diagnostic.Create(DiagnosticDescriptors.RegionNotPartial, location, type.Name),
            RegionDeclarationError.IsStatic => Diagnostic.Create(DiagnosticDescriptors.RegionStatic, location, type.Name),
            RegionDeclarationError.IsRecord => Diagnostic.Create(DiagnosticDescriptors.RegionNotPlainClass, location, type.Name, "a record"),
            RegionDeclarationError.IsFileLocal => Diagnostic.Create(
                DiagnosticDescriptors.RegionNotPlainClass, location, type.Name,
                container is null ? "file-local" : $"nested in the file-local type '{container.Name}'"),
            // Partial would not help there, so not UFFD0002 (whose fix adds partial): the class must move out.
            RegionDeclarationError.NestedInInterface => Diagnostic.Create(
                DiagnosticDescriptors.RegionNotPlainClass, location, type.Name, $"nested in the interface '{container?.Name}'"),
            RegionDeclarationError.IsGeneric => Diagnostic.Create(DiagnosticDescriptors.RegionGeneric, location, type.Name, ""),
            RegionDeclarationError.ContainingTypeGeneric => Diagnostic.Create(
                DiagnosticDescriptors.RegionGeneric, location, type.Name,
                container is null ? "" : $" through its containing type '{container.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'"),
            RegionDeclarationError.ContainingTypeNotPartial => Diagnostic.Create(
                DiagnosticDescriptors.ContainingTypeNotPartial, location, type.Name, container?.Name ?? ""),
            // NotAClass: [FaultRegion] on a struct or interface is already CS0592 (AttributeUsage). SyntaxErrors: the
            // compiler reports them. DuplicateAttribute: CS0579. RuntimeNotReferenced cannot happen (the attribute bound).
            _ => null,
        };

        if (diagnostic is not null)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
