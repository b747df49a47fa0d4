using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// UFFD0051: the <c>UffdResult</c> of a fault-resolving Userfaultfd call is dropped (a statement, a discard
/// <c>_ = ...</c>, or a local never read) and no <c>Wake</c> on the same uffd follows on every path. A Wake after the call
/// answers every outcome (AlreadyPresent is woken, Partial and RetryAfterEvents fault again), so such code is correct.
/// DontWake calls are left to UFFD0050, whose Wake covers them the same way. <c>WriteProtect</c> resolves no fault.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class IgnoredResultAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The calls that resolve faults and report AlreadyPresent, Partial or RetryAfterEvents.</summary>
    private static readonly ImmutableHashSet<string> ResolvingMethods =
        ImmutableHashSet.Create("Copy", "ZeroPage", "Continue", "Move", "Poison", "RemoveWriteProtection");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ResolutionResultIgnored);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? userfaultfd = start.Compilation.GetTypeByMetadataName(ProtocolOperations.UserfaultfdMetadataName);
            if (userfaultfd is null)
            {
                return;
            }

            start.RegisterOperationBlockAction(block => AnalyzeBlock(block, userfaultfd));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, INamedTypeSymbol userfaultfd)
    {
        var roots = new HashSet<IOperation>();
        foreach (IOperation block in context.OperationBlocks)
        {
            IOperation root = block;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            if (root is not (IMethodBodyBaseOperation or IBlockOperation or IFieldInitializerOperation or IPropertyInitializerOperation)
                || !roots.Add(root)
                || !DropsAResult(root, userfaultfd))
            {
                continue;
            }

            foreach (FunctionGraph function in FunctionGraph.All(context.GetControlFlowGraph(block), context.OwningSymbol as IMethodSymbol))
            {
                AnalyzeFunction(context, function, userfaultfd);
            }
        }
    }

    /// <summary>A cheap look before the graph is built: some waking resolution used as a statement or discarded.</summary>
    private static bool DropsAResult(IOperation root, INamedTypeSymbol userfaultfd)
    {
        foreach (IOperation node in root.Descendants())
        {
            if (node is IInvocationOperation invocation
                && ResolvingMethods.Contains(invocation.TargetMethod.Name)
                && ProtocolOperations.CallsUserfaultfd(invocation, userfaultfd)
                && !DontWakeAnalyzer.SkipsWake(invocation)
                && invocation.Parent is IExpressionStatementOperation or IConditionalAccessOperation or ISimpleAssignmentOperation or IVariableInitializerOperation or IConversionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static void AnalyzeFunction(OperationBlockAnalysisContext context, FunctionGraph function, INamedTypeSymbol userfaultfd)
    {
        var captures = new FlowCaptures(function.Graph);
        foreach (BasicBlock block in function.Graph.Blocks)
        {
            int index = 0;
            foreach (IOperation top in FunctionGraph.BlockOperations(block))
            {
                if (Unused(top, function) is { } call
                    && ResolvingMethods.Contains(call.TargetMethod.Name)
                    && ProtocolOperations.CallsUserfaultfd(call, userfaultfd)
                    && !DontWakeAnalyzer.SkipsWake(call)
                    && !WokenAfter(function, new FlowPosition(block, index), call, captures, userfaultfd))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.ResolutionResultIgnored, Location(call.Syntax).GetLocation(), call.TargetMethod.Name));
                }

                index++;
            }
        }
    }

    /// <summary>The call whose result the top-level operation drops: a statement, a discard, or a local nobody reads.</summary>
    private static IInvocationOperation? Unused(IOperation top, FunctionGraph function)
    {
        switch (top is IExpressionStatementOperation statement ? statement.Operation : top)
        {
            case IInvocationOperation invocation:
                return invocation;
            case ISimpleAssignmentOperation { Target: IDiscardOperation, Value: var value }:
                return ProtocolOperations.Unwrap(value) as IInvocationOperation;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local, Value: var value }
                when ProtocolOperations.Unwrap(value) is IInvocationOperation invocation && !IsRead(local.Local, function):
                return invocation;
            default:
                return null;
        }
    }

    /// <summary>Whether the local is read anywhere in the function or the lambdas and local functions it holds.</summary>
    private static bool IsRead(ILocalSymbol local, FunctionGraph function)
    {
        foreach (FunctionGraph graph in FunctionGraph.All(function.Graph, function.Function))
        {
            foreach (BasicBlock block in graph.Graph.Blocks)
            {
                foreach (IOperation operation in FunctionGraph.BlockOperations(block))
                {
                    foreach (IOperation node in operation.DescendantsAndSelf())
                    {
                        if (node is ILocalReferenceOperation reference
                            && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                            && !(reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference))
                        {
                            return true;
                        }
                    }
                }
            }
        }

        return false;
    }

    /// <summary>True when a Wake on the call's receiver follows on every path (every outcome is then answered).</summary>
    private static bool WokenAfter(FunctionGraph function, FlowPosition position, IInvocationOperation call, FlowCaptures captures, INamedTypeSymbol userfaultfd)
    {
        if (captures.ReceiverSymbol(call.Instance) is not { } receiver)
        {
            return false;
        }

        var branches = new OutcomeBranches(function.Graph, position, call);
        return !WakeFlow.ExitsWithoutWake(
            function.Graph,
            position,
            node => node is IInvocationOperation { TargetMethod.Name: "Wake" } wake
                && ProtocolOperations.CallsUserfaultfd(wake, userfaultfd)
                && SymbolEqualityComparer.Default.Equals(captures.ReceiverSymbol(wake.Instance), receiver),
            block => branches.Rule(block, null));
    }

    /// <summary>The statement's expression for a call used as a statement (<c>uffd?.Copy(...)</c> whole), else the call.</summary>
    private static SyntaxNode Location(SyntaxNode call)
    {
        for (SyntaxNode? node = call; node is not null; node = node.Parent)
        {
            if (node is not (ConditionalAccessExpressionSyntax or InvocationExpressionSyntax or MemberBindingExpressionSyntax or PostfixUnaryExpressionSyntax))
            {
                break;
            }

            if (node.Parent is ExpressionStatementSyntax statement)
            {
                return statement.Expression;
            }
        }

        return call;
    }
}
