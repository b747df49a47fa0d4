using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Uffd.Analyzers.Protocol;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0033: the <c>Uffd.SpanLease</c> returned by a method of a <c>[FaultRegion]</c> class or of
/// <c>FaultRegionEngine&lt;T&gt;</c> (<c>LeaseSpan</c>) is not disposed. Disposed means: the resource of a <c>using</c>
/// declaration or statement, or stored in a local that the same function disposes (<c>l.Dispose()</c> anywhere in it,
/// or <c>using (l)</c>). A lease that is returned belongs to the caller and is not reported. Paths are not checked: a
/// <c>Dispose</c> that only some paths reach counts.
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
        IMethodSymbol method = invocation.TargetMethod;
        INamedTypeSymbol? owner = method.ContainingType?.OriginalDefinition;
        if (owner is null
            || !SymbolEqualityComparer.Default.Equals(method.ReturnType, lease)
            || !(RegionSymbols.IsRegion(owner) || SymbolEqualityComparer.Default.Equals(owner, engine))
            || IsDisposed(invocation))
        {
            return;
        }

        string name = (SymbolEqualityComparer.Default.Equals(owner, engine)
            ? owner.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)
            : owner.Name) + "." + method.Name;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpanLeaseNotDisposed, invocation.Syntax.GetLocation(), name));
    }

    /// <summary>True when the lease is a <c>using</c> resource, goes to a local the function disposes, or is returned.</summary>
    private static bool IsDisposed(IInvocationOperation invocation)
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
                return IsUsingDeclared(declarator) || IsDisposedLocal(declarator.Symbol, invocation);
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when assignment.Value == value:
                return IsDisposedLocal(local.Local, invocation);
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

    /// <summary>The function calls <c>local.Dispose()</c>, has <c>using (local)</c>, or returns the local.</summary>
    private static bool IsDisposedLocal(ILocalSymbol local, IOperation anywhere)
    {
        foreach (IOperation operation in ProtocolOperations.FunctionRoot(anywhere).Descendants())
        {
            IOperation? candidate = operation switch
            {
                IInvocationOperation { TargetMethod: { Name: "Dispose", Parameters.IsEmpty: true } } dispose => dispose.Instance,
                IUsingOperation user => user.Resources,
                IReturnOperation returned => returned.ReturnedValue,
                _ => null,
            };
            if (ProtocolOperations.Unwrap(candidate) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }
}
