using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Reports why the shape of a <c>[FaultRegion]</c> class keeps it from being generated (UFFD0001-0005), using the
/// generator's own rules (<see cref="RegionDeclarationRules.CheckType"/>), so the two never disagree. Like the
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

        Location location = RegionSymbols.NameLocation(type, context.CancellationToken);
        Diagnostic? diagnostic = RegionDeclarationRules.CheckType(type, context.CancellationToken) switch
        {
            RegionDeclarationError.NotPartial => Diagnostic.Create(DiagnosticDescriptors.RegionNotPartial, location, type.Name),
            RegionDeclarationError.IsStatic => Diagnostic.Create(DiagnosticDescriptors.RegionStatic, location, type.Name),
            RegionDeclarationError.IsRecord => Diagnostic.Create(DiagnosticDescriptors.RegionNotPlainClass, location, type.Name, "a record"),
            RegionDeclarationError.IsFileLocal => Diagnostic.Create(DiagnosticDescriptors.RegionNotPlainClass, location, type.Name, FileLocality(type)),
            // Partial would not help there, so not UFFD0002 (whose fix adds partial): the class must move out.
            RegionDeclarationError.NestedInInterface => Diagnostic.Create(
                DiagnosticDescriptors.RegionNotPlainClass, location, type.Name, $"nested in the interface '{NearestInterface(type)}'"),
            RegionDeclarationError.IsGeneric => Diagnostic.Create(DiagnosticDescriptors.RegionGeneric, location, type.Name, ""),
            RegionDeclarationError.ContainingTypeGeneric => GenericContainer(type, location),
            RegionDeclarationError.ContainingTypeNotPartial => NonPartialContainer(type, location, context),
            // NotAClass: [FaultRegion] on a struct or interface is already CS0592 (AttributeUsage). SyntaxErrors: the
            // compiler reports them. DuplicateAttribute: CS0579. RuntimeNotReferenced cannot happen (the attribute bound).
            _ => null,
        };

        if (diagnostic is not null)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    /// <summary>"file-local", or which containing type makes the class file-scoped.</summary>
    private static string FileLocality(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (container.IsFileLocal)
            {
                return $"nested in the file-local type '{container.Name}'";
            }
        }

        return "file-local";
    }

    private static string NearestInterface(INamedTypeSymbol type)
    {
        INamedTypeSymbol? container = type.ContainingType;
        while (container is not null && container.TypeKind != TypeKind.Interface)
        {
            container = container.ContainingType;
        }

        return container?.Name ?? "";
    }

    private static Diagnostic GenericContainer(INamedTypeSymbol type, Location location)
    {
        INamedTypeSymbol? container = type.ContainingType;
        while (container is not null && container.Arity == 0)
        {
            container = container.ContainingType;
        }

        string through = container is null ? "" : $" through its containing type '{container.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'";
        return Diagnostic.Create(DiagnosticDescriptors.RegionGeneric, location, type.Name, through);
    }

    private static Diagnostic NonPartialContainer(INamedTypeSymbol type, Location location, SymbolAnalysisContext context)
    {
        INamedTypeSymbol? container = type.ContainingType;
        while (container is not null && container.TypeKind is TypeKind.Class or TypeKind.Struct
               && RegionDeclarationRules.IsPartial(container, context.CancellationToken))
        {
            container = container.ContainingType;
        }

        return Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, location, type.Name, container?.Name ?? "");
    }
}
