using Microsoft.CodeAnalysis;

namespace Uffd.SourceGeneration;

/// <summary>
/// The first rule the shape of a <c>[FaultRegion]</c> class breaks, with the containing type that breaks it when the
/// class itself is fine (the interface it is nested in, the generic, file-local or non-partial container).
/// </summary>
internal readonly struct RegionTypeProblem
{
    public RegionTypeProblem(RegionDeclarationError error, INamedTypeSymbol? container = null)
    {
        Error = error;
        Container = container;
    }

    /// <summary>The rule the declaration breaks.</summary>
    public RegionDeclarationError Error { get; }

    /// <summary>The containing type at fault; null when the class itself breaks the rule.</summary>
    public INamedTypeSymbol? Container { get; }
}
