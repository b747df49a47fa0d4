using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// The conditional branches after a resolution (or a helper call) at which the rule cannot tell which side runs,
/// so that a wake on either side is enough:
/// <list type="bullet">
/// <item>a test of the call's own result (<c>switch (result.Outcome)</c>, <c>if (result.IsResolvedOrPresent)</c>): a
/// gone address space needs no wake, a deferred retry wakes later;</item>
/// <item>a "something was done" guard after the loop, <c>if (installed &gt; 0)</c> or <c>if (high &gt; low)</c>, on a variable
/// written after the call: the path that skips the wake is the one where nothing was installed.</item>
/// </list>
/// An equality test (<c>pending == 16</c>) or a guard inside the loop that runs the call again is not such a branch.
/// </summary>
internal sealed partial class OutcomeBranches
{
    private readonly ControlFlowGraph graph;
    private readonly BasicBlock start;
    private readonly SyntaxNode call;
    private readonly Func<ulong, bool?>? callValue;
    private readonly HashSet<ILocalSymbol> resultLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<CaptureId> resultCaptures = new();

    /// <summary>Locals computed from the result (<c>bool gone = result.Outcome switch { ... }</c>): tests of them are outcome tests too.</summary>
    private readonly HashSet<ILocalSymbol> derivedLocals = new(SymbolEqualityComparer.Default);

    /// <summary>Locals that hold the result's Outcome (<c>var outcome = result.Outcome</c>, <c>var (outcome, _, _) = result</c>).</summary>
    private readonly HashSet<ILocalSymbol> outcomeLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> writtenAfter = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<CaptureId, List<IOperation>> captures = new();

    /// <param name="graph">The function's graph.</param>
    /// <param name="start">Where the call is.</param>
    /// <param name="call">A resolution, or a call to a helper that makes one.</param>
    /// <param name="callValue">For a helper that returns what its resolution's outcome decides (<c>return
    /// result.IsDone;</c>): its value for an outcome, so that the caller's tests of it follow the outcome too.</param>
    public OutcomeBranches(ControlFlowGraph graph, FlowPosition start, IOperation call, Func<ulong, bool?>? callValue = null)
    {
        this.graph = graph;
        this.start = start.Block;
        this.call = call.Syntax;
        this.callValue = callValue;
        CollectCaptures();
        CollectResultHolders(call);
        CollectWritesAfter(start);
    }

    /// <summary>UffdOutcome.Done and UffdOutcome.AlreadyPresent: the outcomes after which a DontWake resolution must wake.</summary>
    public const ulong Done = 0, AlreadyPresent = 2;

    /// <summary>
    /// How to follow <paramref name="block"/>'s branch when the call's outcome is <paramref name="outcome"/> (null:
    /// unknown). A test of the result that the outcome decides (<c>result.IsDone</c>, <c>result.Outcome ==
    /// UffdOutcome.TargetGone</c>, a <c>switch</c> case) takes its side only; any other test of the result, and a
    /// "something was done" guard, lets a wake on either side do.
    /// </summary>
    public BranchRule Rule(BasicBlock block, ulong? outcome)
    {
        if (block.BranchValue is not { } condition)
        {
            return BranchRule.BothSides;
        }

        if (ReadsResult(condition, depth: 0))
        {
            return outcome is { } known && Evaluate(condition, known, depth: 0) is { } value
                ? (value ? BranchRule.OnlyWhenTrue : BranchRule.OnlyWhenFalse)
                : BranchRule.EitherSideWakes;
        }

        return IsDoneGuard(condition) && !FunctionGraph.Reaches(block, start) ? BranchRule.EitherSideWakes : BranchRule.BothSides;
    }

    private void CollectCaptures()
    {
        foreach (BasicBlock block in graph.Blocks)
        {
            foreach (IOperation operation in FunctionGraph.BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is IFlowCaptureOperation capture)
                    {
                        if (!captures.TryGetValue(capture.Id, out List<IOperation>? values))
                        {
                            captures[capture.Id] = values = new List<IOperation>();
                        }

                        values.Add(capture.Value);
                    }
                }
            }
        }
    }

    /// <summary>The locals and flow captures that hold the call's result (through <c>?:</c> and plain copies).</summary>
    private void CollectResultHolders(IOperation call)
    {
        for (int round = 0; round < 4; round++)
        {
            foreach (BasicBlock block in graph.Blocks)
            {
                foreach (IOperation operation in FunctionGraph.BlockOperations(block))
                {
                    foreach (IOperation node in operation.DescendantsAndSelf())
                    {
                        if (node is IDeconstructionAssignmentOperation deconstruction && HoldsResult(ProtocolOperations.Unwrap(deconstruction.Value), call))
                        {
                            AddDeconstructed(deconstruction.Target);
                            continue;
                        }

                        IOperation? value = node switch
                        {
                            IFlowCaptureOperation capture => capture.Value,
                            ISimpleAssignmentOperation { Target: ILocalReferenceOperation } assignment => assignment.Value,
                            _ => null,
                        };
                        if (value is null)
                        {
                            continue;
                        }

                        if (!HoldsResult(ProtocolOperations.Unwrap(value), call))
                        {
                            if (node is ISimpleAssignmentOperation { Target: ILocalReferenceOperation derived } && ComputedFromResult(value))
                            {
                                derivedLocals.Add(derived.Local);
                                if (IsOutcome(value, depth: 0))
                                {
                                    outcomeLocals.Add(derived.Local);
                                }
                            }

                            continue;
                        }

                        if (node is IFlowCaptureOperation flowCapture)
                        {
                            resultCaptures.Add(flowCapture.Id);
                        }
                        else if (node is ISimpleAssignmentOperation { Target: ILocalReferenceOperation local })
                        {
                            resultLocals.Add(local.Local);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The locals of <c>var (outcome, bytesDone, errno) = result</c>: all computed from it, the first its Outcome.</summary>
    private void AddDeconstructed(IOperation target)
    {
        if (ProtocolOperations.Unwrap(target) is IDeclarationExpressionOperation declaration)
        {
            target = declaration.Expression;
        }

        if (target is not ITupleOperation tuple)
        {
            return;
        }

        for (int i = 0; i < tuple.Elements.Length; i++)
        {
            IOperation element = ProtocolOperations.Unwrap(tuple.Elements[i]) is IDeclarationExpressionOperation declared ? declared.Expression : tuple.Elements[i];
            if (ProtocolOperations.Unwrap(element) is ILocalReferenceOperation local)
            {
                derivedLocals.Add(local.Local);
                if (i == 0)
                {
                    outcomeLocals.Add(local.Local);
                }
            }
        }
    }

    /// <summary>
    /// Whether an assigned value is computed from the result. A switch expression reaches the graph as a capture of
    /// constants, so its source text is what names the result.
    /// </summary>
    private bool ComputedFromResult(IOperation value)
    {
        if (ReadsResult(value, depth: 0))
        {
            return true;
        }

        foreach (SyntaxNode node in value.Syntax.DescendantNodesAndSelf())
        {
            if (node == call
                || (node is IdentifierNameSyntax identifier && resultLocals.Any(local => local.Name == identifier.Identifier.ValueText)))
            {
                return true;
            }
        }

        return false;
    }

    private bool HoldsResult(IOperation? value, IOperation call) => value switch
    {
        null => false,
        _ when value.Syntax == call.Syntax && value is IInvocationOperation => true,
        IFlowCaptureReferenceOperation reference => resultCaptures.Contains(reference.Id),
        ILocalReferenceOperation local => resultLocals.Contains(local.Local),
        _ => false,
    };

    private bool ReadsResult(IOperation condition, int depth)
    {
        if (depth > 4)
        {
            return false;
        }

        foreach (IOperation node in condition.DescendantsAndSelf())
        {
            switch (node)
            {
                case IInvocationOperation invocation when invocation.Syntax == call:
                    return true;
                case ILocalReferenceOperation local when resultLocals.Contains(local.Local) || derivedLocals.Contains(local.Local):
                    return true;
                case IFlowCaptureReferenceOperation reference:
                    if (resultCaptures.Contains(reference.Id))
                    {
                        return true;
                    }

                    if (captures.TryGetValue(reference.Id, out List<IOperation>? values))
                    {
                        foreach (IOperation value in values)
                        {
                            if (ReadsResult(value, depth + 1))
                            {
                                return true;
                            }
                        }
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary><c>x &gt; 0</c>, <c>high &gt; low</c>, <c>count != 0</c>: an ordering or inequality test on something written after the call.</summary>
    private bool IsDoneGuard(IOperation condition)
    {
        if (ProtocolOperations.Unwrap(condition) is not IBinaryOperation binary
            || binary.OperatorKind is not (BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.NotEquals))
        {
            return false;
        }

        foreach (IOperation node in binary.DescendantsAndSelf())
        {
            if (WrittenSymbol(node) is { } symbol && writtenAfter.Contains(symbol))
            {
                return true;
            }
        }

        return false;
    }

    private void CollectWritesAfter(FlowPosition start)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<BasicBlock>();
        int index = 0;
        foreach (IOperation operation in FunctionGraph.BlockOperations(start.Block))
        {
            if (index++ > start.Index)
            {
                CollectWrites(operation);
            }
        }

        FunctionGraph.PushSuccessors(start.Block, pending);
        while (pending.Count > 0)
        {
            BasicBlock block = pending.Pop();
            if (!seen.Add(block.Ordinal))
            {
                continue;
            }

            foreach (IOperation operation in FunctionGraph.BlockOperations(block))
            {
                CollectWrites(operation);
            }

            FunctionGraph.PushSuccessors(block, pending);
        }
    }

    private void CollectWrites(IOperation operation)
    {
        foreach (IOperation node in operation.DescendantsAndSelf())
        {
            IOperation? target = node switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };
            if (target is not null && WrittenSymbol(target) is { } symbol)
            {
                writtenAfter.Add(symbol);
            }
        }
    }

    private static ISymbol? WrittenSymbol(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };
}
