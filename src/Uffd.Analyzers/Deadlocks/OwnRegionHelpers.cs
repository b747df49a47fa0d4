using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// For UFFD0030: what a method of another type, declared in the same file as the callback that calls it, does to the
/// region's memory: the first accessor of the region that touches pages it calls, or its dereference of the region's
/// <c>BaseAddress</c>. One level deep (what the helper calls is not followed) and one file (other files would need a
/// semantic model the analyzer is not given). Each helper is looked into once per region type.
/// </summary>
internal sealed class OwnRegionHelpers
{
    private readonly INamedTypeSymbol region;
    private readonly RawAddressSources? sources;
    private readonly RawDereferences dereferences;
    private readonly ConcurrentDictionary<IMethodSymbol, Touch> touches = new(SymbolEqualityComparer.Default);

    public OwnRegionHelpers(INamedTypeSymbol region, RawAddressSources? sources, RawDereferences dereferences)
    {
        this.region = region;
        this.sources = sources;
        this.dereferences = dereferences;
    }

    /// <summary>"AsSpan", "BaseAddress", ...: what the helper reaches the region's pages through, or null.</summary>
    public string? TouchIn(IMethodSymbol helper, IOperation call, CancellationToken cancellationToken)
    {
        if (call.SemanticModel is not { } model || helper.DeclaringSyntaxReferences.IsEmpty)
        {
            return null;
        }

        return touches.GetOrAdd(helper.OriginalDefinition, key => new Touch(Find(key, model, cancellationToken))).Name;
    }

    private string? Find(IMethodSymbol helper, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode declaration in SameFileHelpers.DeclarationsIn(helper, model, cancellationToken))
        {
            if (model.GetOperation(declaration, cancellationToken) is { } body && AccessorIn(body) is { } accessor)
            {
                return accessor;
            }

            if (sources is not null && DereferencesBase(declaration, model, cancellationToken))
            {
                return "a raw pointer";
            }
        }

        return null;
    }

    private string? AccessorIn(IOperation body)
    {
        foreach (IOperation operation in body.DescendantsAndSelf())
        {
            ISymbol? member = operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            if (member is not null
                && SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, region)
                && RegionSymbols.IsGenerated(member)
                && GeneratedMembers.ReachesRegionMemory(member.Name))
            {
                return member.Name;
            }
        }

        return null;
    }

    /// <summary>The helper dereferences the region's base or a callback's fault address.</summary>
    private bool DereferencesBase(SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        var taint = new RawAddressTaint(sources!, declaration, model);
        foreach (SyntaxNode node in declaration.DescendantNodes())
        {
            if (dereferences.At(node, model, taint, cancellationToken) is { } source && OwnAddressDereferences.OwnName(source, region) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A cached answer, null included.</summary>
    private sealed class Touch
    {
        public Touch(string? name) => Name = name;

        public string? Name { get; }
    }
}
