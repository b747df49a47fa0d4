using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Decides that a <c>.Result</c>, <c>.Wait()</c> or <c>GetAwaiter().GetResult()</c> reads a task that is already complete,
/// so it returns at once: the task is <c>Task.FromResult(...)</c>/<c>Task.CompletedTask</c>, or the read is guarded by a
/// completion check on the same local, parameter, field or property (<c>IsCompleted</c>, <c>IsCompletedSuccessfully</c>,
/// <c>IsFaulted</c>, <c>IsCanceled</c>, <c>Status == TaskStatus.RanToCompletion</c>): inside <c>if</c>, <c>?:</c> or
/// <c>&amp;&amp;</c> on the true side, or after <c>if (!t.IsCompleted) return;</c> in an enclosing block.
/// </summary>
internal static class CompletedTaskGuard
{
    /// <summary>True when the wait <paramref name="site"/> (whose awaited task is <paramref name="task"/>) cannot block.</summary>
    public static bool IsComplete(IOperation task, IOperation site)
    {
        task = Unwrap(task);
        if (IsCompletedFactory(task))
        {
            return true;
        }

        if (Key(task) is not { } key)
        {
            return false;
        }

        IOperation child = site;
        for (IOperation? parent = site.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when child == conditional.WhenTrue && Implies(conditional.Condition, key, true):
                case IConditionalOperation alternative when child == alternative.WhenFalse && Implies(alternative.Condition, key, false):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when child == conjunction.RightOperand && Implies(conjunction.LeftOperand, key, true):
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when child == disjunction.RightOperand && Implies(disjunction.LeftOperand, key, false):
                    return true;
                case IBlockOperation block when ExitsEarlyUnlessComplete(block, child, key):
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
        awaiter = awaiter is null ? null : Unwrap(awaiter);
        if (awaiter is not IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaitable })
        {
            return null;
        }

        awaitable = Unwrap(awaitable);
        return awaitable is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } task } ? task : awaitable;
    }

    /// <summary>A statement before <paramref name="child"/> in <paramref name="block"/> leaves unless the task is complete.</summary>
    private static bool ExitsEarlyUnlessComplete(IBlockOperation block, IOperation child, ISymbol key)
    {
        foreach (IOperation statement in block.Operations)
        {
            if (statement == child)
            {
                return false;
            }

            if (statement is IConditionalOperation { WhenFalse: null } guard && AlwaysExits(guard.WhenTrue) && Implies(guard.Condition, key, false))
            {
                return true;
            }
        }

        return false;
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
    private static bool Implies(IOperation condition, ISymbol key, bool value)
    {
        condition = Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Implies(not.Operand, key, !value);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                return value && (Implies(both.LeftOperand, key, true) || Implies(both.RightOperand, key, true));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                return !value && (Implies(either.LeftOperand, key, false) || Implies(either.RightOperand, key, false));
            case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" } check:
                return value && IsSame(check.Instance, key);
            case IIsPatternOperation pattern:
                return value && PatternImpliesCompleted(pattern.Value, pattern.Pattern, key);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                bool equals = comparison.OperatorKind == BinaryOperatorKind.Equals;
                return (IsFinalStatus(comparison.LeftOperand, comparison.RightOperand, key) || IsFinalStatus(comparison.RightOperand, comparison.LeftOperand, key))
                    && value == equals;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>t is { IsCompletedSuccessfully: true }</c>, <c>t.IsCompleted is true</c>,
    /// <c>t.Status is TaskStatus.RanToCompletion</c>: a pattern that only matches a complete task.
    /// </summary>
    private static bool PatternImpliesCompleted(IOperation value, IPatternOperation pattern, ISymbol key)
    {
        value = Unwrap(value);
        switch (pattern)
        {
            case IConstantPatternOperation constant when Unwrap(constant.Value).ConstantValue is { HasValue: true, Value: true }:
                return Implies(value, key, true);
            case IConstantPatternOperation status:
                return IsFinalStatus(value, status.Value, key);
            case IRecursivePatternOperation recursive when IsSame(value, key):
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
    private static bool IsFinalStatus(IOperation status, IOperation constant, ISymbol key) =>
        Unwrap(status) is IPropertyReferenceOperation { Property.Name: "Status" } reference
        && IsSame(reference.Instance, key)
        && Unwrap(constant) is IFieldReferenceOperation { Field.Name: "RanToCompletion" or "Faulted" or "Canceled", Field.ContainingType.Name: "TaskStatus" };

    private static bool IsSame(IOperation? instance, ISymbol key) =>
        instance is not null && Key(Unwrap(instance)) is { } other && SymbolEqualityComparer.Default.Equals(other, key);

    /// <summary>The variable a task expression reads: a local, a parameter, or a field or property of this instance.</summary>
    private static ISymbol? Key(IOperation task) => task switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
        IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property,
        _ => null,
    };

    private static bool IsCompletedFactory(IOperation task) => task switch
    {
        IInvocationOperation { TargetMethod.Name: "FromResult" or "FromException" or "FromCanceled" } call => IsTaskType(call.TargetMethod.ContainingType),
        IPropertyReferenceOperation { Property.Name: "CompletedTask" } property => IsTaskType(property.Property.ContainingType),
        _ => false,
    };

    private static bool IsTaskType(INamedTypeSymbol? type) =>
        type is { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };

    private static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }
}
