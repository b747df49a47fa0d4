using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// The control-flow graphs of one type's members, and what each of its functions may wake, so that UFFD0050 can
/// follow a DontWake resolution one call deep: into the callers of the helper that holds it, and into the methods
/// of the type that a path calls (a <c>Flush()</c> that wakes the field counts as a wake).
/// </summary>
internal sealed class TypeWakeFacts
{
    private readonly INamedTypeSymbol _userfaultfd;
    private readonly object _gate = new();
    private readonly List<FunctionGraph> _graphs = new();

    /// <summary>Per function of the type, the receivers (fields, properties, its parameters) it calls Wake on.</summary>
    private readonly Dictionary<IMethodSymbol, HashSet<ISymbol>> _wakes = new(SymbolEqualityComparer.Default);

    public TypeWakeFacts(INamedTypeSymbol userfaultfd) => _userfaultfd = userfaultfd;

    public IReadOnlyList<FunctionGraph> Graphs => _graphs;

    public void Record(OperationBlockAnalysisContext context)
    {
        var roots = new HashSet<IOperation>();
        foreach (IOperation block in context.OperationBlocks)
        {
            // A body's block may hang under an IMethodBodyOperation; the graph is the whole body's, once.
            IOperation root = block;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            if (root is not (IMethodBodyBaseOperation or IBlockOperation or IFieldInitializerOperation or IPropertyInitializerOperation) || !roots.Add(root))
            {
                continue;
            }

            ControlFlowGraph graph = context.GetControlFlowGraph(block);
            List<FunctionGraph> functions = FunctionGraph.All(graph, context.OwningSymbol as IMethodSymbol);
            lock (_gate)
            {
                _graphs.AddRange(functions);
            }
        }
    }

    /// <summary>Called once, at the end of the type: builds the wake summaries from every recorded graph.</summary>
    public void Complete()
    {
        foreach (FunctionGraph function in _graphs)
        {
            if (function.Function is not { } symbol)
            {
                continue;
            }

            foreach (IInvocationOperation wake in Invocations(function))
            {
                if (IsDirectWake(wake) && ProtocolOperations.ReceiverSymbol(wake.Instance) is { } receiver)
                {
                    if (!_wakes.TryGetValue(symbol, out HashSet<ISymbol>? receivers))
                    {
                        _wakes[symbol] = receivers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                    }

                    receivers.Add(receiver);
                }
            }
        }
    }

    /// <summary>
    /// The name of a function in which a path after <paramref name="resolution"/> ends without waking
    /// <paramref name="receiver"/>: its own, or a caller's for a helper; null when every path wakes or the rule
    /// cannot decide.
    /// </summary>
    public string? UnwokenPathThrough(FunctionGraph function, IInvocationOperation resolution, ISymbol receiver)
    {
        if (!ExitsUnwoken(function, resolution, receiver))
        {
            return null;
        }

        string name = function.Function?.Name ?? "";
        if (function.IsLambda)
        {
            // A Wake after the lambda's creation in the enclosing function (after Parallel.For, Task.WaitAll) counts.
            return function.Enclosing is { } enclosing && function.Creation is { } creation && !Owns(function, receiver)
                ? (ExitsUnwoken(enclosing, creation, receiver) ? EnclosingName(enclosing) : null)
                : name;
        }

        if (receiver is ILocalSymbol || function.Function is not { } helper)
        {
            return name;
        }

        bool calledHere = false;
        foreach (FunctionGraph caller in _graphs)
        {
            foreach (IInvocationOperation call in Invocations(caller))
            {
                if (!SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, helper.OriginalDefinition))
                {
                    continue;
                }

                calledHere = true;
                // A receiver the caller cannot name (an argument that is not a symbol) cannot be judged there.
                if (CallerSide(helper, call, receiver) is { } callerReceiver && ExitsUnwoken(caller, call, callerReceiver))
                {
                    return EnclosingName(caller);
                }
            }
        }

        if (calledHere)
        {
            return null;
        }

        // Nobody in the type calls it. A field another function of the type wakes is managed there (Stage/Flush).
        if (!Owns(function, receiver) && WokenElsewhere(helper, receiver))
        {
            return null;
        }

        return name;
    }

    private bool ExitsUnwoken(FunctionGraph function, IOperation point, ISymbol receiver)
    {
        if (function.Find(point) is not { } position)
        {
            return false;
        }

        var branches = new OutcomeBranches(function.Graph, position, point);
        return WakeFlow.ExitsWithoutWake(function.Graph, position, node => Wakes(node, receiver), branches.EitherSideSuffices);
    }

    /// <summary>A Wake on <paramref name="receiver"/>, or a call to a function of the type that may wake it.</summary>
    private bool Wakes(IOperation node, ISymbol receiver)
    {
        if (node is not IInvocationOperation invocation)
        {
            return false;
        }

        if (IsDirectWake(invocation))
        {
            return SymbolEqualityComparer.Default.Equals(ProtocolOperations.ReceiverSymbol(invocation.Instance), receiver);
        }

        if (!_wakes.TryGetValue(invocation.TargetMethod.OriginalDefinition, out HashSet<ISymbol>? woken))
        {
            return false;
        }

        foreach (ISymbol key in woken)
        {
            ISymbol? mapped = CallerSide(invocation.TargetMethod.OriginalDefinition, invocation, key);
            if (SymbolEqualityComparer.Default.Equals(mapped, receiver))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What <paramref name="receiver"/>, as the callee sees it, is at the call: the argument for its parameter, else itself.</summary>
    private static ISymbol? CallerSide(IMethodSymbol callee, IInvocationOperation call, ISymbol receiver) =>
        receiver is IParameterSymbol parameter && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, callee)
            ? ProtocolOperations.ReceiverSymbol(ProtocolOperations.ArgumentAt(call, parameter.Ordinal)?.Value)
            : receiver;

    /// <summary>True when <paramref name="receiver"/> is the function's own parameter (its callers cannot reach it otherwise).</summary>
    private static bool Owns(FunctionGraph function, ISymbol receiver) =>
        receiver is IParameterSymbol parameter && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, function.Function);

    private bool WokenElsewhere(IMethodSymbol helper, ISymbol receiver)
    {
        foreach (KeyValuePair<IMethodSymbol, HashSet<ISymbol>> entry in _wakes)
        {
            if (!SymbolEqualityComparer.Default.Equals(entry.Key, helper) && entry.Value.Contains(receiver))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsDirectWake(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "Wake" && ProtocolOperations.CallsUserfaultfd(invocation, _userfaultfd);

    private static string EnclosingName(FunctionGraph function) =>
        function.IsLambda && function.Enclosing is { } enclosing ? EnclosingName(enclosing) : function.Function?.Name ?? "";

    private static IEnumerable<IInvocationOperation> Invocations(FunctionGraph function)
    {
        foreach (BasicBlock block in function.Graph.Blocks)
        {
            foreach (IOperation operation in FunctionGraph.BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is IInvocationOperation invocation)
                    {
                        yield return invocation;
                    }
                }
            }
        }
    }
}
