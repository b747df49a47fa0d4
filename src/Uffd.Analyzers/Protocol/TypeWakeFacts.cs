using System;
using System.Collections.Generic;
using System.Threading;
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
    private readonly INamedTypeSymbol userfaultfd;
    private readonly object gate = new();
    private readonly List<(IOperation Root, IMethodSymbol? Owner)> bodies = new();
    private readonly List<FunctionGraph> graphs = new();
    private bool hasDontWake;

    /// <summary>Per function of the type, the receivers (fields, properties, its parameters) it calls Wake on.</summary>
    private readonly Dictionary<IMethodSymbol, HashSet<ISymbol>> wakes = new(SymbolEqualityComparer.Default);

    public TypeWakeFacts(INamedTypeSymbol userfaultfd) => this.userfaultfd = userfaultfd;

    /// <summary>The graphs of every body of the type, once <see cref="Complete"/> ran; none when the type makes no DontWake call.</summary>
    public IReadOnlyList<FunctionGraph> Graphs => graphs;

    /// <summary>Keeps the type's bodies; their graphs are only built when some body makes a DontWake call.</summary>
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

            bool hasDontWake = false;
            foreach (IOperation node in root.Descendants())
            {
                if (node is IInvocationOperation invocation && ProtocolOperations.CallsUserfaultfd(invocation, userfaultfd) && DontWakeAnalyzer.SkipsWake(invocation))
                {
                    hasDontWake = true;
                    break;
                }
            }

            lock (gate)
            {
                bodies.Add((root, context.OwningSymbol as IMethodSymbol));
                this.hasDontWake |= hasDontWake;
            }
        }
    }

    /// <summary>Called once, at the end of the type: builds the graphs and the wake summaries, if a DontWake call needs them.</summary>
    public void Complete(CancellationToken cancellationToken)
    {
        if (!hasDontWake)
        {
            return;
        }

        foreach ((IOperation root, IMethodSymbol? owner) in bodies)
        {
            if (Graph(root, cancellationToken) is { } graph)
            {
                graphs.AddRange(FunctionGraph.All(graph, owner));
            }
        }

        foreach (FunctionGraph function in graphs)
        {
            if (function.Function is not { } symbol)
            {
                continue;
            }

            foreach (IInvocationOperation wake in Invocations(function))
            {
                if (IsDirectWake(wake) && ProtocolOperations.ReceiverSymbol(wake.Instance) is { } receiver)
                {
                    if (!wakes.TryGetValue(symbol, out HashSet<ISymbol>? receivers))
                    {
                        wakes[symbol] = receivers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
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
        if (UnwokenFrom(function, resolution, receiver) is not { } unwoken)
        {
            return null;
        }

        if (unwoken.IsLambda || receiver is ILocalSymbol || unwoken.Function is not { } helper)
        {
            return Name(unwoken);
        }

        bool calledHere = false;
        foreach (FunctionGraph caller in graphs)
        {
            foreach (IInvocationOperation call in Invocations(caller))
            {
                if (!SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, helper.OriginalDefinition))
                {
                    continue;
                }

                calledHere = true;
                // A receiver the caller cannot name (an argument that is not a symbol) cannot be judged there.
                if (CallerSide(helper, call, receiver) is { } callerReceiver
                    && UnwokenFrom(caller, call, callerReceiver, ReturnedFor(unwoken, resolution)) is { } where)
                {
                    return Name(where);
                }
            }
        }

        if (calledHere)
        {
            return null;
        }

        // Nobody in the type calls it. A field another function of the type wakes is managed there (Stage/Flush).
        if (!Owns(unwoken, receiver) && WokenElsewhere(helper, receiver))
        {
            return null;
        }

        return Name(unwoken);
    }

    /// <summary>
    /// The function in which a path after <paramref name="point"/> ends without waking <paramref name="receiver"/>: this
    /// one, or for a lambda that does not own the receiver, the code after its creation (a Wake after
    /// <c>Parallel.For(..., i => ...)</c> counts); null when every path wakes.
    /// </summary>
    private FunctionGraph? UnwokenFrom(FunctionGraph function, IOperation point, ISymbol receiver, Func<ulong, bool?>? callValue = null)
    {
        if (!ExitsUnwoken(function, point, receiver, callValue))
        {
            return null;
        }

        return function.IsLambda && function.Enclosing is { } enclosing && function.Creation is { } creation && !Owns(function, receiver)
            ? UnwokenFrom(enclosing, creation, receiver)
            : function;
    }

    /// <summary>
    /// Whether a path after the call ends unwoken when it resolved (Done) or found the page present (AlreadyPresent):
    /// the two outcomes whose waiters a DontWake call leaves to the handler. Tests of the result follow the outcome.
    /// A call that returns something else (a helper's bool) is followed on every path its tests allow.
    /// </summary>
    private bool ExitsUnwoken(FunctionGraph function, IOperation point, ISymbol receiver, Func<ulong, bool?>? callValue = null)
    {
        if (function.Find(point) is not { } position)
        {
            return false;
        }

        var branches = new OutcomeBranches(function.Graph, position, point, callValue);
        bool Exits(ulong? outcome) =>
            WakeFlow.ExitsWithoutWake(function.Graph, position, node => Wakes(node, receiver), block => branches.Rule(block, outcome));
        return point is IInvocationOperation { TargetMethod.ReturnType.Name: "UffdResult" } || callValue is not null
            ? Exits(OutcomeBranches.Done) || Exits(OutcomeBranches.AlreadyPresent)
            : Exits(null);
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

        IMethodSymbol callee = invocation.TargetMethod.OriginalDefinition;
        if (!wakes.TryGetValue(callee, out HashSet<ISymbol>? woken))
        {
            wakes[callee] = woken = ElsewhereInFile(callee);
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

    /// <summary>
    /// What a method of another type in the same file calls Wake on (a static <c>Waker.WakeRange(uffd, ...)</c>): its
    /// operations come from the semantic model of the file. Empty for anything else.
    /// </summary>
    private HashSet<ISymbol> ElsewhereInFile(IMethodSymbol callee)
    {
        var receivers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        if (callee.DeclaringSyntaxReferences.Length != 1)
        {
            return receivers;
        }

        SyntaxReference reference = callee.DeclaringSyntaxReferences[0];
        SemanticModel? model = null;
        foreach ((IOperation root, _) in bodies)
        {
            if (root.SemanticModel?.SyntaxTree == reference.SyntaxTree)
            {
                model = root.SemanticModel;
                break;
            }
        }

        if (model is null || SameFileHelpers.BodyIn(callee, model) is not { } body)
        {
            return receivers;
        }

        foreach (IOperation node in body.Descendants())
        {
            if (node is IInvocationOperation wake && IsDirectWake(wake) && ProtocolOperations.ReceiverSymbol(wake.Instance) is { } receiver)
            {
                receivers.Add(receiver);
            }
        }

        return receivers;
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
        foreach (KeyValuePair<IMethodSymbol, HashSet<ISymbol>> entry in wakes)
        {
            if (!SymbolEqualityComparer.Default.Equals(entry.Key, helper) && entry.Value.Contains(receiver))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsDirectWake(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "Wake" && ProtocolOperations.CallsUserfaultfd(invocation, userfaultfd);

    /// <summary>
    /// For a helper whose every return gives a value its resolution's outcome decides (<c>return result.IsDone;</c>):
    /// that value per outcome; null otherwise (the caller's tests of it then let a wake on either side do).
    /// </summary>
    private static Func<ulong, bool?>? ReturnedFor(FunctionGraph helper, IInvocationOperation resolution)
    {
        if (helper.Function?.ReturnType.SpecialType != SpecialType.System_Boolean || helper.Find(resolution) is not { } position)
        {
            return null;
        }

        var returned = new List<IOperation>();
        foreach (BasicBlock block in helper.Graph.Blocks)
        {
            if (block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return && block.BranchValue is { } value)
            {
                returned.Add(value);
            }
        }

        if (returned.Count == 0)
        {
            return null;
        }

        var branches = new OutcomeBranches(helper.Graph, position, resolution);
        return outcome =>
        {
            bool? agreed = null;
            foreach (IOperation value in returned)
            {
                if (branches.ValueFor(value, outcome) is not { } known || (agreed is { } earlier && earlier != known))
                {
                    return null;
                }

                agreed = known;
            }

            return agreed;
        };
    }

    private static ControlFlowGraph? Graph(IOperation root, CancellationToken cancellationToken) => root switch
    {
        IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IConstructorBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IBlockOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IFieldInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        IPropertyInitializerOperation initializer => ControlFlowGraph.Create(initializer, cancellationToken),
        _ => null,
    };

    private static string Name(FunctionGraph function) =>
        function.IsLambda && function.Enclosing is { } enclosing ? Name(enclosing) : function.Function?.Name ?? "";

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
