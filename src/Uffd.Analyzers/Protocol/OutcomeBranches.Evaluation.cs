using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// The outcome tests the rule understands: <c>IsDone</c>, <c>IsResolvedOrPresent</c>, <c>Outcome ==</c> / <c>!=</c> a
/// constant, <c>is</c> patterns of constants with <c>or</c>, <c>and</c>, <c>not</c>, <c>!</c>, and the cases of a <c>switch</c>
/// (which the graph turns into tests of a capture of <c>result.Outcome</c>), on the result or a local holding its Outcome.
/// </summary>
internal sealed partial class OutcomeBranches
{
    /// <summary>The value of an outcome test for a known outcome, or null for a test the rule does not understand.</summary>
    /// <summary>The value of <paramref name="value"/> when the call's outcome is <paramref name="outcome"/>, or null.</summary>
    public bool? ValueFor(IOperation value, ulong outcome) => Evaluate(value, outcome, depth: 0);

    private bool? Evaluate(IOperation condition, ulong outcome, int depth)
    {
        if (depth > 6)
        {
            return null;
        }

        switch (ProtocolOperations.Unwrap(condition))
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand }:
                return !Evaluate(operand, outcome, depth + 1);
            case IPropertyReferenceOperation { Property.Name: "IsDone", Instance: { } instance } when IsResult(instance, depth):
                return outcome == Done;
            case IPropertyReferenceOperation { Property.Name: "IsResolvedOrPresent", Instance: { } instance } when IsResult(instance, depth):
                return outcome is Done or AlreadyPresent;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                ulong? constant = ProtocolOperations.ConstantBits(binary.RightOperand) ?? ProtocolOperations.ConstantBits(binary.LeftOperand);
                IOperation other = ProtocolOperations.ConstantBits(binary.RightOperand) is null ? binary.RightOperand : binary.LeftOperand;
                if (constant is null || !IsOutcome(other, depth))
                {
                    return null;
                }

                return (constant == outcome) == (binary.OperatorKind == BinaryOperatorKind.Equals);
            case IIsPatternOperation pattern when IsOutcome(pattern.Value, depth):
                return Matches(pattern.Pattern, outcome);
            case { } value when callValue is not null && IsResult(value, depth):
                // The helper's own return value (a bool it computed from the outcome).
                return callValue(outcome);
            case IFlowCaptureReferenceOperation reference when captures.TryGetValue(reference.Id, out List<IOperation>? values) && values.Count == 1:
                return Evaluate(values[0], outcome, depth + 1);
            default:
                return null;
        }
    }

    private static bool? Matches(IPatternOperation pattern, ulong outcome) => pattern switch
    {
        IConstantPatternOperation constant => ProtocolOperations.ConstantBits(constant.Value) is { } bits ? bits == outcome : null,
        INegatedPatternOperation negated => !Matches(negated.Pattern, outcome),
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } or => Matches(or.LeftPattern, outcome) is { } left && Matches(or.RightPattern, outcome) is { } right ? left || right : null,
        IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.And } and => Matches(and.LeftPattern, outcome) is { } left && Matches(and.RightPattern, outcome) is { } right ? left && right : null,
        IDiscardPatternOperation => true,
        _ => null,
    };

    /// <summary><c>result.Outcome</c> of the call's result (through the flow capture a <c>switch</c> makes).</summary>
    private bool IsOutcome(IOperation operation, int depth) => ProtocolOperations.Unwrap(operation) switch
    {
        IPropertyReferenceOperation { Property.Name: "Outcome", Instance: { } instance } => IsResult(instance, depth),
        ILocalReferenceOperation local => outcomeLocals.Contains(local.Local),
        IFlowCaptureReferenceOperation reference => captures.TryGetValue(reference.Id, out List<IOperation>? values)
            && values.Count == 1 && depth < 6 && IsOutcome(values[0], depth + 1),
        _ => false,
    };

    private bool IsResult(IOperation operation, int depth) => ProtocolOperations.Unwrap(operation) switch
    {
        IInvocationOperation invocation => invocation.Syntax == call,
        ILocalReferenceOperation local => resultLocals.Contains(local.Local),
        IFlowCaptureReferenceOperation reference => resultCaptures.Contains(reference.Id)
            || (captures.TryGetValue(reference.Id, out List<IOperation>? values) && values.Count == 1 && depth < 6 && IsResult(values[0], depth + 1)),
        _ => false,
    };
}
