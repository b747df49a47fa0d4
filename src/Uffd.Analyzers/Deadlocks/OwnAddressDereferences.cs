using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// For UFFD0030: where a member body of a region class dereferences, in managed code, the region's own
/// <c>BaseAddress</c> or the fault address of its callback's <c>PageFaultContext</c> (the dereferences UFFD0032 knows, <see cref="RawDereferences"/>; the address followed by
/// <see cref="RawAddressTaint"/> through locals, arithmetic, a pointer cached in a field and a helper that returns it).
/// One instance per compilation and region type; one flow per file, as UFFD0032 has.
/// </summary>
internal sealed class OwnAddressDereferences
{
    private readonly INamedTypeSymbol region;
    private readonly RawAddressSources sources;
    private readonly RawDereferences dereferences;
    private readonly ConcurrentDictionary<SyntaxTree, RawAddressFlow> flows = new();

    public OwnAddressDereferences(INamedTypeSymbol region, RawAddressSources sources, RawDereferences dereferences)
    {
        this.region = region;
        this.sources = sources;
        this.dereferences = dereferences;
    }

    /// <summary>Registers, for one member body, the node action that records its dereferences of the own base.</summary>
    public void Register(CodeBlockStartAnalysisContext<Microsoft.CodeAnalysis.CSharp.SyntaxKind> block, SelfDeadlockAnalyzer.MethodFacts facts)
    {
        SemanticModel model = block.SemanticModel;
        RawAddressFlow flow = flows.GetOrAdd(model.SyntaxTree, _ => new RawAddressFlow(sources, dereferences, model));
        var taint = new RawAddressTaint(sources, block.CodeBlock, model, flow);
        block.RegisterSyntaxNodeAction(
            node =>
            {
                if (dereferences.At(node.Node, node.SemanticModel, taint, node.CancellationToken) is { } source
                    && OwnName(source, region) is { } name
                    && !(node.SemanticModel.GetOperation(node.Node, node.CancellationToken) is { } operation && OffHandlerCode.Contains(operation)))
                {
                    facts.Touches.Enqueue((node.Node.GetLocation(), name));
                }
            },
            RawDereferences.Kinds);
    }

    /// <summary>The touch's name for a dereference of the callback's fault address.</summary>
    public const string FaultAddress = "PageFaultContext.Address";

    /// <summary>
    /// "BaseAddress" for the region's own base, "PageFaultContext.Address" for the page its callback was called for;
    /// null for any other memory.
    /// </summary>
    public static string? OwnName(RawAddressSource source, INamedTypeSymbol region) =>
        source.IsCallbackFault ? FaultAddress
        : source.Region is { } owner && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, region) ? "BaseAddress"
        : null;
}
