using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// One function's control-flow graph: a member body, a local function or a lambda. A lambda keeps the graph and the
/// operation that creates it, because what happens after the creation (a Wake after <c>Parallel.For(..., i => ...)</c>)
/// is the enclosing function's flow.
/// </summary>
internal sealed class FunctionGraph
{
    public FunctionGraph(ControlFlowGraph graph, IMethodSymbol? function, FunctionGraph? enclosing, IOperation? creation)
    {
        Graph = graph;
        Function = function;
        Enclosing = enclosing;
        Creation = creation;
    }

    public ControlFlowGraph Graph { get; }

    /// <summary>The method, local function or lambda whose body this is (null for an initializer).</summary>
    public IMethodSymbol? Function { get; }

    /// <summary>For a lambda: the graph it is created in.</summary>
    public FunctionGraph? Enclosing { get; }

    /// <summary>For a lambda: the <see cref="IFlowAnonymousFunctionOperation"/> in <see cref="Enclosing"/>.</summary>
    public IOperation? Creation { get; }

    public bool IsLambda => Function?.MethodKind == MethodKind.AnonymousFunction;

    /// <summary>The graph of <paramref name="root"/> and of every local function and lambda in it.</summary>
    public static List<FunctionGraph> All(ControlFlowGraph root, IMethodSymbol? owner)
    {
        var graphs = new List<FunctionGraph>();
        Add(new FunctionGraph(root, owner, null, null), graphs, depth: 0);
        return graphs;
    }

    private static void Add(FunctionGraph function, List<FunctionGraph> graphs, int depth)
    {
        graphs.Add(function);
        if (depth > 16)
        {
            return;
        }

        ControlFlowGraph graph = function.Graph;
        foreach (IMethodSymbol local in graph.LocalFunctions)
        {
            Add(new FunctionGraph(graph.GetLocalFunctionControlFlowGraph(local), local, null, null), graphs, depth + 1);
        }

        foreach (BasicBlock block in graph.Blocks)
        {
            foreach (IOperation operation in BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is IFlowAnonymousFunctionOperation lambda)
                    {
                        Add(new FunctionGraph(graph.GetAnonymousFunctionControlFlowGraph(lambda), lambda.Symbol, function, lambda), graphs, depth + 1);
                    }
                }
            }
        }
    }

    /// <summary>The block's operations in execution order, its branch value last.</summary>
    public static IEnumerable<IOperation> BlockOperations(BasicBlock block)
    {
        foreach (IOperation operation in block.Operations)
        {
            yield return operation;
        }

        if (block.BranchValue is { } branch)
        {
            yield return branch;
        }
    }

    /// <summary>Where the invocation written as <paramref name="call"/> sits in this graph, or null.</summary>
    public FlowPosition? FindCall(SyntaxNode call)
    {
        foreach (BasicBlock block in Graph.Blocks)
        {
            int index = 0;
            foreach (IOperation operation in BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is IInvocationOperation && node.Syntax == call)
                    {
                        return new FlowPosition(block, index);
                    }
                }

                index++;
            }
        }

        return null;
    }

    /// <summary>True when control can flow from <paramref name="from"/> to <paramref name="to"/> (later in a block, or a block reached by branches).</summary>
    public static bool Reaches(FlowPosition from, FlowPosition to) =>
        (from.Block == to.Block && from.Index < to.Index) || Reaches(from.Block, to.Block);

    /// <summary>True when some branch path leads from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool Reaches(BasicBlock from, BasicBlock to)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<BasicBlock>();
        PushSuccessors(from, pending);
        while (pending.Count > 0)
        {
            BasicBlock block = pending.Pop();
            if (block == to)
            {
                return true;
            }

            if (seen.Add(block.Ordinal))
            {
                PushSuccessors(block, pending);
            }
        }

        return false;
    }

    public static void PushSuccessors(BasicBlock block, Stack<BasicBlock> pending)
    {
        if (block.FallThroughSuccessor?.Destination is { } next)
        {
            pending.Push(next);
        }

        if (block.ConditionalSuccessor?.Destination is { } other)
        {
            pending.Push(other);
        }
    }

    /// <summary>Where <paramref name="target"/> (an operation of this graph) sits: its block and top-level index.</summary>
    public FlowPosition? Find(IOperation target)
    {
        foreach (BasicBlock block in Graph.Blocks)
        {
            int index = 0;
            foreach (IOperation operation in BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node == target)
                    {
                        return new FlowPosition(block, index);
                    }
                }

                index++;
            }
        }

        return null;
    }
}

/// <summary>A point of a graph: the top-level operation at <see cref="Index"/> of <see cref="Block"/> (the branch value is last).</summary>
internal readonly struct FlowPosition
{
    public FlowPosition(BasicBlock block, int index)
    {
        Block = block;
        Index = index;
    }

    public BasicBlock Block { get; }

    public int Index { get; }
}
