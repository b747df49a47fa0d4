using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// Data flow within one method, cheap and conservative: the value a local holds when it is written exactly once (a
/// tuple literal deconstructed into it included), the steps a cursor moves by, and the initializer of a readonly field
/// declared in the same file. What it cannot follow it does not guess.
/// </summary>
internal static class ValueFlow
{
    /// <summary>Looks through conversions (casts, implicit widening) to the value converted.</summary>
    public static IOperation SkipConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// The one value a local is ever given: its initializer or its single assignment, when nothing else writes it (no
    /// compound assignment, increment, ref or out). With <paramref name="allowCompound"/>, compound assignments do not
    /// count as other writes (the value before them is what <c>x &gt;&gt;= 12</c> works on).
    /// </summary>
    public static IOperation? SingleValue(ILocalReferenceOperation reference, bool allowCompound = false)
    {
        ILocalSymbol local = reference.Local;
        if (local.IsRef || local.IsConst)
        {
            return null;
        }

        IOperation root = reference;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        IOperation? value = null;
        int writes = 0;
        foreach (IOperation operation in root.Descendants())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                if (declarator.Initializer is { } initializer)
                {
                    value = initializer.Value;
                    writes++;
                }

                continue;
            }

            if (operation is not ILocalReferenceOperation use || !SymbolEqualityComparer.Default.Equals(use.Local, local))
            {
                continue;
            }

            switch (use.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == use:
                    value = assignment.Value;
                    writes++;
                    break;
                case ICompoundAssignmentOperation compound when compound.Target == use:
                    if (!allowCompound)
                    {
                        return null;
                    }

                    break;
                case IIncrementOrDecrementOperation:
                case IAddressOfOperation:
                case IArgumentOperation { Parameter.RefKind: not RefKind.None and not RefKind.In }:
                    return null;
                case ITupleOperation when DeconstructedValue(use) is { } element:
                    value = element;
                    writes++;
                    break;
                default:
                    if (use.IsDeclaration || use.Parent is ITupleOperation || use.Parent is IDeconstructionAssignmentOperation)
                    {
                        return null;
                    }

                    break;
            }
        }

        return writes == 1 ? value : null;
    }

    /// <summary>
    /// The element a deconstruction of a tuple literal gives the local: <c>var (first, count) = (offset / 4096, n);</c>
    /// gives <c>first</c> its first element. Null for any other deconstruction (of a method's tuple, a nested one).
    /// </summary>
    private static IOperation? DeconstructedValue(ILocalReferenceOperation use)
    {
        if (use.Parent is not ITupleOperation target)
        {
            return null;
        }

        IOperation? assignment = target.Parent is IDeclarationExpressionOperation declaration ? declaration.Parent : target.Parent;
        if (assignment is not IDeconstructionAssignmentOperation deconstruction
            || SkipConversions(deconstruction.Value) is not ITupleOperation source
            || source.Elements.Length != target.Elements.Length)
        {
            return null;
        }

        int index = target.Elements.IndexOf(use);
        return index < 0 ? null : source.Elements[index];
    }

    /// <summary>
    /// The steps added to or subtracted from a local written several times (<c>offset += 2 * 4096</c>): whatever the
    /// local holds, it moves by these. Its initializer and plain assignments are not returned (which of them reaches a
    /// use is a question of flow); empty when anything else writes it (a ref, an out, another compound operator).
    /// </summary>
    public static IReadOnlyList<IOperation> Steps(ILocalReferenceOperation reference)
    {
        ILocalSymbol local = reference.Local;
        var values = new List<IOperation>();
        if (local.IsRef)
        {
            return values;
        }

        IOperation root = reference;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        foreach (IOperation operation in root.Descendants())
        {
            if (operation is not ILocalReferenceOperation use || !SymbolEqualityComparer.Default.Equals(use.Local, local))
            {
                continue;
            }

            switch (use.Parent)
            {
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound when compound.Target == use:
                    values.Add(compound.Value);
                    break;
                case ICompoundAssignmentOperation compound when compound.Target == use:
                case IIncrementOrDecrementOperation:
                case IAddressOfOperation:
                case IArgumentOperation { Parameter.RefKind: not RefKind.None and not RefKind.In }:
                    return Array.Empty<IOperation>();
                default:
                    if (use.IsDeclaration || use.Parent is ITupleOperation || use.Parent is IDeconstructionAssignmentOperation)
                    {
                        return Array.Empty<IOperation>();
                    }

                    break;
            }
        }

        return values;
    }

    /// <summary>The initializer of a readonly field declared in the same file as <paramref name="reference"/>, or null.</summary>
    public static IOperation? ReadonlyInitializer(IFieldReferenceOperation reference)
    {
        IFieldSymbol field = reference.Field;
        if (!field.IsReadOnly || field.IsConst || reference.SemanticModel is not { } model)
        {
            return null;
        }

        foreach (SyntaxReference declaration in field.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree == model.SyntaxTree
                && declaration.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer })
            {
                return model.GetOperation(initializer);
            }
        }

        return null;
    }
}
