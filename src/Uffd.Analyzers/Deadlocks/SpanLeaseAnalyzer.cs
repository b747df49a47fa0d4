using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Uffd.Analyzers.Protocol;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0033: the <c>Uffd.SpanLease</c> returned by a method of a <c>[FaultRegion]</c> class or of
/// <c>FaultRegionEngine&lt;T&gt;</c> (<c>LeaseSpan</c>) is not disposed. Disposed means: the resource of a <c>using</c>
/// declaration or statement, or stored in a local that the same function disposes (<c>l.Dispose()</c> anywhere in it,
/// or <c>using (l)</c>). A lease that is returned belongs to the caller and is not reported. An explicit
/// <c>l.Dispose()</c> counts when every normal path from the store reaches one (<see cref="LeaseDisposalPaths"/>, on
/// the control-flow graph; a <c>finally</c> covers every path through its <c>try</c>): disposed on one branch only is
/// reported. Inside a lambda or local function any <c>Dispose</c> of the local counts (the graph of the outer body
/// does not hold theirs).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SpanLeaseAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SpanLeaseNotDisposed);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? lease = start.Compilation.GetTypeByMetadataName("Uffd.SpanLease");
            INamedTypeSymbol? engine = start.Compilation.GetTypeByMetadataName("Uffd.Regions.FaultRegionEngine`1");
            if (lease is null || engine is null)
            {
                return;
            }

            start.RegisterOperationAction(operation => Analyze(operation, lease, engine), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol lease, INamedTypeSymbol engine)
    {
        var invocation = (IInvocationOperation)context.Operation;
        System.Func<ControlFlowGraph?> graph = () => GraphOf(context);
        IMethodSymbol method = invocation.TargetMethod;
        INamedTypeSymbol? owner = method.ContainingType?.OriginalDefinition;
        if (owner is null
            || !SymbolEqualityComparer.Default.Equals(method.ReturnType, lease)
            || !(RegionSymbols.IsRegion(owner) || SymbolEqualityComparer.Default.Equals(owner, engine))
            || IsDisposed(invocation, graph))
        {
            return;
        }

        string name = (SymbolEqualityComparer.Default.Equals(owner, engine)
            ? owner.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)
            : owner.Name) + "." + method.Name;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpanLeaseNotDisposed, invocation.Syntax.GetLocation(), name));
    }

    /// <summary>True when the lease is a <c>using</c> resource, goes to a local the function disposes, or is returned.</summary>
    private static bool IsDisposed(IInvocationOperation invocation, System.Func<ControlFlowGraph?> graph)
    {
        IOperation value = invocation;
        while (value.Parent is IConversionOperation or IParenthesizedOperation)
        {
            value = value.Parent;
        }

        switch (value.Parent)
        {
            case IUsingOperation:
            case IReturnOperation:
                return true;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return IsUsingDeclared(declarator) || IsDisposedLocal(declarator.Symbol, invocation, graph);
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == value:
                return IsDisposedLocal(local.Local, invocation, graph);
            default:
                return false;
        }
    }

    /// <summary><c>using var l = ...;</c> or <c>using (var l = ...)</c>.</summary>
    private static bool IsUsingDeclared(IVariableDeclaratorOperation declarator)
    {
        IOperation? group = declarator.Parent?.Parent;
        return group is IVariableDeclarationGroupOperation
            && (group.Parent is IUsingDeclarationOperation || (group.Parent is IUsingOperation user && user.Resources == group));
    }

    /// <summary>
    /// The function has <c>using (local)</c> or returns the local, or calls <c>local.Dispose()</c> on every path from the
    /// store (any call counts inside a lambda or local function, and when the graph cannot be built).
    /// </summary>
    private static bool IsDisposedLocal(ILocalSymbol local, IOperation anywhere, System.Func<ControlFlowGraph?> graph)
    {
        IOperation function = ProtocolOperations.FunctionRoot(anywhere);
        bool disposeCalled = false;
        foreach (IOperation operation in function.Descendants())
        {
            switch (operation)
            {
                case IUsingOperation user when RefersTo(user.Resources, local):
                case IReturnOperation returned when RefersTo(returned.ReturnedValue, local):
                    return true;
                case IInvocationOperation { TargetMethod: { Name: "Dispose", Parameters.IsEmpty: true } } dispose when RefersTo(dispose.Instance, local):
                    disposeCalled = true;
                    break;
            }
        }

        if (!disposeCalled)
        {
            return false;
        }

        if (function is IAnonymousFunctionOperation or ILocalFunctionOperation || graph() is not { } flow)
        {
            return true;
        }

        return LeaseDisposalPaths.AllPathsDispose(flow, anywhere.Syntax, local);
    }

    private static bool RefersTo(IOperation? operation, ILocalSymbol local) =>
        ProtocolOperations.Unwrap(operation) is ILocalReferenceOperation reference
        && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    /// <summary>The graph of the body being analyzed, or null when the body cannot have one (broken code).</summary>
    private static ControlFlowGraph? GraphOf(OperationAnalysisContext context)
    {
        try
        {
            return context.GetControlFlowGraph();
        }
        catch (System.ArgumentException)
        {
            return null;
        }
        catch (System.InvalidOperationException)
        {
            return null;
        }
    }
}
