using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Decides that a <c>.Result</c>, <c>.Wait()</c> or <c>GetAwaiter().GetResult()</c> reads a task that is already complete,
/// so it returns at once: the task is <c>Task.FromResult(...)</c>/<c>Task.CompletedTask</c>, or the read is guarded by a
/// completion check on the same variable (a local, a parameter, or a chain of fields and properties such as
/// <c>entry.Load</c>): <c>IsCompleted</c>, <c>IsCompletedSuccessfully</c>, <c>IsFaulted</c>, <c>IsCanceled</c>,
/// <c>Status == TaskStatus.RanToCompletion</c>, a pattern such as <c>t is { IsCompleted: true }</c>, or a <c>Wait</c>
/// that returned true. The check guards the true side of an <c>if</c>, <c>?:</c> or <c>&amp;&amp;</c>, the statements
/// after <c>if (!t.IsCompleted) return;</c>, and a <c>switch</c> section or arm on <c>t.Status</c> that only matches a
/// final status.
/// </summary>
internal static class CompletedTaskGuard
{
    /// <summary>True when the wait <paramref name="site"/> (whose awaited task is <paramref name="task"/>) cannot block.</summary>
    public static bool IsComplete(IOperation task, IOperation site)
    {
        task = Conversions.SkipImplicit(task);
        if (IsCompletedFactory(task))
        {
            return true;
        }

        if (!IsVariable(task))
        {
            return false;
        }

        IOperation child = site;
        for (IOperation? parent = site.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when child == conditional.WhenTrue && Implies(conditional.Condition, task, true):
                case IConditionalOperation alternative when child == alternative.WhenFalse && Implies(alternative.Condition, task, false):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when child == conjunction.RightOperand && Implies(conjunction.LeftOperand, task, true):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when child == disjunction.RightOperand && Implies(disjunction.LeftOperand, task, false):
                    return true;
                case IBlockOperation block when ExitsEarlyUnlessComplete(block, child, task):
                    return true;
                case ISwitchCaseOperation section when OnlyFinalStatuses(section, task):
                    return true;
                case ISwitchExpressionArmOperation arm when child == arm.Value && arm.Parent is ISwitchExpressionOperation switchExpression
                    && PatternImpliesCompleted(switchExpression.Value, arm.Pattern, task):
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyOperation:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The task under <c>task.GetAwaiter()</c> and <c>task.ConfigureAwait(false).GetAwaiter()</c>.</summary>
    public static IOperation? AwaitedTask(IOperation? awaiter)
    {
        awaiter = awaiter is null ? null : Conversions.SkipImplicit(awaiter);
        if (awaiter is not IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaitable })
        {
            return null;
        }

        awaitable = Conversions.SkipImplicit(awaitable);
        return awaitable is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task } ? task : awaitable;
    }

    /// <summary>A statement before <paramref name="child"/> in <paramref name="block"/> leaves unless the task is complete.</summary>
    private static bool ExitsEarlyUnlessComplete(IBlockOperation block, IOperation child, IOperation task)
    {
        foreach (IOperation statement in block.Operations)
        {
            if (statement == child)
            {
                return false;
            }

            if (statement is IConditionalOperation { WhenFalse: null } guard && AlwaysExits(guard.WhenTrue) && Implies(guard.Condition, task, false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A <c>switch (t.Status)</c> section whose every label is a final status (no <c>default</c>).</summary>
    private static bool OnlyFinalStatuses(ISwitchCaseOperation section, IOperation task)
    {
        if (section.Parent is not ISwitchOperation switchStatement || section.Clauses.IsEmpty)
        {
            return false;
        }

        foreach (ICaseClauseOperation clause in section.Clauses)
        {
            bool final = clause switch
            {
                ISingleValueCaseClauseOperation single => IsFinalStatus(switchStatement.Value, single.Value, task),
                IPatternCaseClauseOperation { Guard: null } pattern => PatternImpliesCompleted(switchStatement.Value, pattern.Pattern, task),
                _ => false,
            };
            if (!final)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AlwaysExits(IOperation statement) => statement switch
    {
        IReturnOperation or IBranchOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IThrowOperation => true,
        IBlockOperation { Operations.Length: > 0 } block => AlwaysExits(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };

    /// <summary>True when <paramref name="condition"/> having the value <paramref name="value"/> means the task is complete.</summary>
    private static bool Implies(IOperation condition, IOperation task, bool value)
    {
        condition = Conversions.SkipImplicit(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Implies(not.Operand, task, !value);
            // a && b true: both are; false: one of them is false, so each false side must imply completion.
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                return value
                    ? Implies(both.LeftOperand, task, true) || Implies(both.RightOperand, task, true)
                    : Implies(both.LeftOperand, task, false) && Implies(both.RightOperand, task, false);
            // a || b false: both are; true: one of them is true, so each true side must imply completion.
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                return value
                    ? Implies(either.LeftOperand, task, true) && Implies(either.RightOperand, task, true)
                    : Implies(either.LeftOperand, task, false) || Implies(either.RightOperand, task, false);
            case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" } check:
                return value && IsSame(check.Instance, task);
            case IInvocationOperation { TargetMethod.Name: "Wait", Instance: { } waited } wait when IsTaskType(wait.TargetMethod.ContainingType):
                return value && IsSame(waited, task); // Wait(timeout) returned true: the task completed
            case IIsPatternOperation pattern:
                return value && PatternImpliesCompleted(pattern.Value, pattern.Pattern, task);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                bool equals = comparison.OperatorKind == BinaryOperatorKind.Equals;
                return (IsFinalStatus(comparison.LeftOperand, comparison.RightOperand, task) || IsFinalStatus(comparison.RightOperand, comparison.LeftOperand, task))
                    && value == equals;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>t is { IsCompletedSuccessfully: true }</c>, <c>t.IsCompleted is true</c>,
    /// <c>t.Status is TaskStatus.RanToCompletion</c>: a pattern that only matches a complete task.
    /// </summary>
    private static bool PatternImpliesCompleted(IOperation value, IPatternOperation pattern, IOperation task)
    {
        value = Conversions.SkipImplicit(value);
        switch (pattern)
        {
            case IConstantPatternOperation constant when Conversions.SkipImplicit(constant.Value).ConstantValue is { HasValue: true, Value: true }:
                return Implies(value, task, true);
            case IConstantPatternOperation status:
                return IsFinalStatus(value, status.Value, task);
            case IRecursivePatternOperation recursive when IsSame(value, task):
                foreach (IPropertySubpatternOperation property in recursive.PropertySubpatterns)
                {
                    if (property.Member is IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" }
                        && property.Pattern is IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: true } })
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary><c>t.Status</c> compared with <c>RanToCompletion</c>, <c>Faulted</c> or <c>Canceled</c>.</summary>
    private static bool IsFinalStatus(IOperation status, IOperation constant, IOperation task) =>
        Conversions.SkipImplicit(status) is IPropertyReferenceOperation { Property.Name: "Status" } reference
        && IsSame(reference.Instance, task)
        && Conversions.SkipImplicit(constant) is IFieldReferenceOperation { Field.Name: "RanToCompletion" or "Faulted" or "Canceled", Field.ContainingType.Name: "TaskStatus" };

    private static bool IsSame(IOperation? instance, IOperation task) => instance is not null && SameVariable(Conversions.SkipImplicit(instance), task);

    /// <summary>A local, a parameter, <c>this</c>, or a field or property (without arguments) of one of these or static.</summary>
    private static bool IsVariable(IOperation operation) => operation switch
    {
        ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation => true,
        IFieldReferenceOperation field => field.Instance is null || IsVariable(Conversions.SkipImplicit(field.Instance)),
        IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Instance is null || IsVariable(Conversions.SkipImplicit(property.Instance)),
        _ => false,
    };

    /// <summary>Both read the same variable: the same local or parameter, or the same member of the same variable.</summary>
    private static bool SameVariable(IOperation left, IOperation right) => (left, right) switch
    {
        (ILocalReferenceOperation a, ILocalReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Local, b.Local),
        (IParameterReferenceOperation a, IParameterReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Parameter, b.Parameter),
        (IInstanceReferenceOperation, IInstanceReferenceOperation) => true,
        (IFieldReferenceOperation a, IFieldReferenceOperation b) =>
            SymbolEqualityComparer.Default.Equals(a.Field, b.Field) && SameInstance(a.Instance, b.Instance),
        (IPropertyReferenceOperation { Arguments.Length: 0 } a, IPropertyReferenceOperation { Arguments.Length: 0 } b) =>
            SymbolEqualityComparer.Default.Equals(a.Property, b.Property) && SameInstance(a.Instance, b.Instance),
        _ => false,
    };

    private static bool SameInstance(IOperation? left, IOperation? right) =>
        left is null ? right is null : right is not null && SameVariable(Conversions.SkipImplicit(left), Conversions.SkipImplicit(right));

    private static bool IsCompletedFactory(IOperation task) => task switch
    {
        IInvocationOperation { TargetMethod.Name: "FromResult" or "FromException" or "FromCanceled" } call => IsTaskType(call.TargetMethod.ContainingType),
        IPropertyReferenceOperation { Property.Name: "CompletedTask" } property => IsTaskType(property.Property.ContainingType),
        _ => false,
    };

    private static bool IsTaskType(INamedTypeSymbol? type) =>
        type?.OriginalDefinition is { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };
}
