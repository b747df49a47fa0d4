using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// UFFD0051: a fault-resolving Userfaultfd call used as a statement, so its <c>UffdResult</c> is dropped.
/// <c>_ = uffd.Copy(...)</c> is an explicit choice and is not reported. <c>WriteProtect</c> is not covered: it
/// resolves no fault, so AlreadyPresent / Partial / RetryAfterEvents handling does not apply to it.
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

            start.RegisterOperationAction(operationContext => Analyze(operationContext, userfaultfd), OperationKind.ExpressionStatement);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol userfaultfd)
    {
        IOperation statementExpression = ((IExpressionStatementOperation)context.Operation).Operation;
        IOperation? expression = statementExpression;
        if (expression is IConditionalAccessOperation conditional)
        {
            expression = conditional.WhenNotNull;
        }

        if (expression is IInvocationOperation invocation
            && ResolvingMethods.Contains(invocation.TargetMethod.Name)
            && ProtocolOperations.CallsUserfaultfd(invocation, userfaultfd))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ResolutionResultIgnored,
                statementExpression.Syntax.GetLocation(),
                invocation.TargetMethod.Name));
        }
    }
}
