using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// For UFFD0033: whether every normal path from where a lease is stored in a local to the end of the function passes a
/// <c>local.Dispose()</c>, in a block on the path or in a <c>finally</c> the path leaves through (the control-flow graph
/// runs <c>finally</c> regions on the branches that leave their <c>try</c>). Paths that end in an exception are not
/// followed: a lease left open by a throw is rare and a warning there would be noise.
/// </summary>
internal static class LeaseDisposalPaths
{
    /// <summary>
    /// True when every path from the operation of <paramref name="graph"/> whose syntax holds <paramref name="store"/>
    /// reaches a dispose of <paramref name="local"/>; true also when the store is not found (the rule cannot decide).
    /// </summary>
    public static bool AllPathsDispose(ControlFlowGraph graph, SyntaxNode store, ILocalSymbol local)
    {
        (BasicBlock Block, int Index)? start = Find(graph, store);
        if (start is not { } found)
        {
            return true;
        }

        var visited = new HashSet<int>();
        var pending = new Stack<BasicBlock>();
        if (Disposes(found.Block, found.Index + 1, local))
        {
            return true;
        }

        foreach (ControlFlowBranch? branch in Successors(found.Block))
        {
            if (!Follow(graph, branch, local, pending))
            {
                return false;
            }
        }

        while (pending.Count > 0)
        {
            BasicBlock block = pending.Pop();
            if (!visited.Add(block.Ordinal) || Disposes(block, 0, local))
            {
                continue;
            }

            foreach (ControlFlowBranch? branch in Successors(block))
            {
                if (!Follow(graph, branch, local, pending))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>False when the branch reaches the end of the function with the lease open; otherwise queues its destination.</summary>
    private static bool Follow(ControlFlowGraph graph, ControlFlowBranch? branch, ILocalSymbol local, Stack<BasicBlock> pending)
    {
        if (branch is null)
        {
            return true;
        }

        foreach (ControlFlowRegion finallyRegion in branch.FinallyRegions)
        {
            if (RegionDisposes(graph, finallyRegion, local))
            {
                return true;
            }
        }

        if (branch.Semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow or ControlFlowBranchSemantics.Error)
        {
            return true;
        }

        if (branch.Destination is null || branch.Destination.Kind == BasicBlockKind.Exit)
        {
            return false;
        }

        pending.Push(branch.Destination);
        return true;
    }

    private static IEnumerable<ControlFlowBranch?> Successors(BasicBlock block)
    {
        yield return block.FallThroughSuccessor;
        yield return block.ConditionalSuccessor;
    }

    /// <summary>True when a block of the <c>finally</c> region disposes the lease.</summary>
    private static bool RegionDisposes(ControlFlowGraph graph, ControlFlowRegion finallyRegion, ILocalSymbol local)
    {
        for (int ordinal = finallyRegion.FirstBlockOrdinal; ordinal <= finallyRegion.LastBlockOrdinal; ordinal++)
        {
            if (Disposes(graph.Blocks[ordinal], 0, local))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Disposes(BasicBlock block, int from, ILocalSymbol local)
    {
        for (int i = from; i < block.Operations.Length; i++)
        {
            if (HoldsDispose(block.Operations[i], local))
            {
                return true;
            }
        }

        return block.BranchValue is { } value && HoldsDispose(value, local);
    }

    private static bool HoldsDispose(IOperation operation, ILocalSymbol local)
    {
        foreach (IOperation candidate in operation.DescendantsAndSelf())
        {
            if (candidate is IInvocationOperation { TargetMethod: { Name: "Dispose", Parameters.IsEmpty: true } } dispose
                && Protocol.ProtocolOperations.Unwrap(dispose.Instance) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }

    private static (BasicBlock, int)? Find(ControlFlowGraph graph, SyntaxNode store)
    {
        foreach (BasicBlock block in graph.Blocks)
        {
            for (int i = 0; i < block.Operations.Length; i++)
            {
                if (block.Operations[i].Syntax.Span.Contains(store.Span))
                {
                    return (block, i);
                }
            }
        }

        return null;
    }
}
