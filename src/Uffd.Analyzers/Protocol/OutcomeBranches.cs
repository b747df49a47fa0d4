using System.Collections.Generic;
using Microsoft.CodeAnalysis;
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
internal sealed class OutcomeBranches
{
    private readonly ControlFlowGraph _graph;
    private readonly BasicBlock _start;
    private readonly SyntaxNode _call;
    private readonly HashSet<ILocalSymbol> _resultLocals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<CaptureId> _resultCaptures = new();
    private readonly HashSet<ISymbol> _writtenAfter = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<CaptureId, List<IOperation>> _captures = new();

    public OutcomeBranches(ControlFlowGraph graph, FlowPosition start, IOperation call)
    {
        _graph = graph;
        _start = start.Block;
        _call = call.Syntax;
        CollectCaptures();
        CollectResultHolders(call);
        CollectWritesAfter(start);
    }

    public bool EitherSideSuffices(BasicBlock block)
    {
        if (block.BranchValue is not { } condition)
        {
            return false;
        }

        return ReadsResult(condition, depth: 0) || (IsDoneGuard(condition) && !FunctionGraph.Reaches(block, _start));
    }

    private void CollectCaptures()
    {
        foreach (BasicBlock block in _graph.Blocks)
        {
            foreach (IOperation operation in FunctionGraph.BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is IFlowCaptureOperation capture)
                    {
                        if (!_captures.TryGetValue(capture.Id, out List<IOperation>? values))
                        {
                            _captures[capture.Id] = values = new List<IOperation>();
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
            foreach (BasicBlock block in _graph.Blocks)
            {
                foreach (IOperation operation in FunctionGraph.BlockOperations(block))
                {
                    foreach (IOperation node in operation.DescendantsAndSelf())
                    {
                        IOperation? value = node switch
                        {
                            IFlowCaptureOperation capture => capture.Value,
                            ISimpleAssignmentOperation { Target: ILocalReferenceOperation } assignment => assignment.Value,
                            _ => null,
                        };
                        if (value is null || !HoldsResult(ProtocolOperations.Unwrap(value), call))
                        {
                            continue;
                        }

                        if (node is IFlowCaptureOperation flowCapture)
                        {
                            _resultCaptures.Add(flowCapture.Id);
                        }
                        else if (node is ISimpleAssignmentOperation { Target: ILocalReferenceOperation local })
                        {
                            _resultLocals.Add(local.Local);
                        }
                    }
                }
            }
        }
    }

    private bool HoldsResult(IOperation? value, IOperation call) => value switch
    {
        null => false,
        _ when value.Syntax == call.Syntax && value is IInvocationOperation => true,
        IFlowCaptureReferenceOperation reference => _resultCaptures.Contains(reference.Id),
        ILocalReferenceOperation local => _resultLocals.Contains(local.Local),
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
                case IInvocationOperation invocation when invocation.Syntax == _call:
                    return true;
                case ILocalReferenceOperation local when _resultLocals.Contains(local.Local):
                    return true;
                case IFlowCaptureReferenceOperation reference:
                    if (_resultCaptures.Contains(reference.Id))
                    {
                        return true;
                    }

                    if (_captures.TryGetValue(reference.Id, out List<IOperation>? values))
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
            if (WrittenSymbol(node) is { } symbol && _writtenAfter.Contains(symbol))
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
                _writtenAfter.Add(symbol);
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
