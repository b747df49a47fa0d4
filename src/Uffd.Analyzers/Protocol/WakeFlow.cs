using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// "Is the range woken on every exit path after this point?", decided on the control-flow graph. A path ends at the
/// function's exit or at a <c>throw</c>; a <c>finally</c> that wakes covers every path leaving its <c>try</c>; an
/// exception thrown by a call inside a <c>try</c> may take the path to each of its <c>catch</c> blocks. Exceptions
/// that leave the function uncaught are not paths (every call could throw; the rule would report everything).
/// </summary>
internal static class WakeFlow
{
    /// <summary>
    /// True when some path from just after <paramref name="start"/> reaches an exit without an operation for which
    /// <paramref name="isWake"/> holds. <paramref name="branchRule"/> says how each conditional branch is followed:
    /// both sides, only the side a known outcome takes, or either side (the rule cannot tell which runs, so a wake on
    /// either is enough).
    /// </summary>
    public static bool ExitsWithoutWake(
        ControlFlowGraph graph, FlowPosition start, Func<IOperation, bool> isWake, Func<BasicBlock, BranchRule> branchRule)
    {
        var cache = new Dictionary<ControlFlowRegion, bool>();
        bool RegionWakes(ControlFlowRegion region) => FinallyWakes(graph, region, isWake, cache);

        // Least fixpoint of "a path from the start of this block reaches an exit without a wake".
        var bad = new bool[graph.Blocks.Length];
        bool changed = true;
        int rounds = 0;
        while (changed && rounds++ < graph.Blocks.Length + 2)
        {
            changed = false;
            foreach (BasicBlock block in graph.Blocks)
            {
                if (!bad[block.Ordinal] && FromIndex(block, -1, bad, isWake, RegionWakes, branchRule))
                {
                    bad[block.Ordinal] = true;
                    changed = true;
                }
            }
        }

        return FromIndex(start.Block, start.Index, bad, isWake, RegionWakes, branchRule);
    }

    /// <summary>
    /// Whether a path from after the top-level operation at <paramref name="after"/> of <paramref name="block"/> reaches an
    /// exit unwoken: through the block's branches when nothing in the rest of the block wakes, or through a catch
    /// block when a call before the wake throws.
    /// </summary>
    private static bool FromIndex(
        BasicBlock block, int after, bool[] bad, Func<IOperation, bool> isWake, Func<ControlFlowRegion, bool> regionWakes,
        Func<BasicBlock, BranchRule> branchRule)
    {
        int index = 0;
        bool mayThrow = false;
        foreach (IOperation operation in FunctionGraph.BlockOperations(block))
        {
            if (index++ <= after)
            {
                continue;
            }

            if (ContainsWake(operation, isWake))
            {
                return mayThrow && CatchEntries(block, bad);
            }

            mayThrow |= MayThrow(operation);
        }

        return Leaves(block, bad, regionWakes, branchRule, mayThrow);
    }

    /// <summary>Whether leaving <paramref name="block"/> (its branches and, inside a try, its catch handlers) can reach an exit unwoken.</summary>
    private static bool Leaves(
        BasicBlock block, bool[] bad, Func<ControlFlowRegion, bool> regionWakes, Func<BasicBlock, BranchRule> branchRule, bool mayThrow)
    {
        if (block.Kind == BasicBlockKind.Exit)
        {
            return true;
        }

        if (mayThrow && CatchEntries(block, bad))
        {
            return true;
        }

        bool fallThrough = Follows(block.FallThroughSuccessor, bad, regionWakes);
        if (block.ConditionalSuccessor is not { } conditional)
        {
            return fallThrough;
        }

        bool other = Follows(conditional, bad, regionWakes);
        bool taken = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
        return branchRule(block) switch
        {
            BranchRule.EitherSideWakes => fallThrough && other,
            BranchRule.OnlyWhenTrue => taken ? other : fallThrough,
            BranchRule.OnlyWhenFalse => taken ? fallThrough : other,
            _ => fallThrough || other,
        };
    }

    private static bool Follows(ControlFlowBranch? branch, bool[] bad, Func<ControlFlowRegion, bool> regionWakes)
    {
        if (branch is null)
        {
            return false;
        }

        foreach (ControlFlowRegion region in branch.FinallyRegions)
        {
            if (regionWakes(region))
            {
                return false;
            }
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Throw:
            case ControlFlowBranchSemantics.Rethrow:
                // Leaves the function, unless a catch around it takes over.
                return !InsideCatchingTry(branch.Source) || CatchEntries(branch.Source, bad);
            case ControlFlowBranchSemantics.ProgramTermination:
            case ControlFlowBranchSemantics.StructuredExceptionHandling:
            case ControlFlowBranchSemantics.Error:
                // The end of a finally or filter resumes where the rule does not follow; broken code is not judged.
                return false;
        }

        return branch.Destination is { } destination && bad[destination.Ordinal];
    }

    /// <summary>True when an exception inside <paramref name="block"/> can reach a catch block from which an exit is unwoken.</summary>
    private static bool CatchEntries(BasicBlock block, bool[] bad)
    {
        for (ControlFlowRegion? region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { Kind: ControlFlowRegionKind.TryAndCatch } tryAndCatch)
            {
                continue;
            }

            foreach (ControlFlowRegion handler in tryAndCatch.NestedRegions)
            {
                if (handler.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler && bad[handler.FirstBlockOrdinal])
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool InsideCatchingTry(BasicBlock block)
    {
        for (ControlFlowRegion? region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Try && region.EnclosingRegion is { Kind: ControlFlowRegionKind.TryAndCatch })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A finally region counts as waking when any of its blocks wakes (its guards are not judged).</summary>
    private static bool FinallyWakes(ControlFlowGraph graph, ControlFlowRegion region, Func<IOperation, bool> isWake, Dictionary<ControlFlowRegion, bool> cache)
    {
        if (cache.TryGetValue(region, out bool wakes))
        {
            return wakes;
        }

        wakes = false;
        for (int ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal && ordinal < graph.Blocks.Length; ordinal++)
        {
            wakes |= BlockWakes(graph.Blocks[ordinal], isWake);
        }

        cache[region] = wakes;
        return wakes;
    }

    private static bool BlockWakes(BasicBlock block, Func<IOperation, bool> isWake)
    {
        foreach (IOperation operation in FunctionGraph.BlockOperations(block))
        {
            if (ContainsWake(operation, isWake))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsWake(IOperation operation, Func<IOperation, bool> isWake)
    {
        foreach (IOperation node in operation.DescendantsAndSelf())
        {
            if (isWake(node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Calls and object creations are what throw in practice; arithmetic and field reads are not counted.</summary>
    private static bool MayThrow(IOperation operation)
    {
        foreach (IOperation node in operation.DescendantsAndSelf())
        {
            if (node is IInvocationOperation or IObjectCreationOperation or IPropertyReferenceOperation { Property.IsIndexer: true })
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>How a path search follows a conditional branch.</summary>
internal enum BranchRule
{
    /// <summary>Both sides are paths.</summary>
    BothSides,

    /// <summary>The rule cannot tell which side runs: a wake on either side is enough.</summary>
    EitherSideWakes,

    /// <summary>The outcome being followed makes the condition true: only that side is a path.</summary>
    OnlyWhenTrue,

    /// <summary>The outcome being followed makes the condition false: only that side is a path.</summary>
    OnlyWhenFalse,
}
