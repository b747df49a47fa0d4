using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// Data flow within one method, cheap and conservative: the value a local holds when it is written exactly once, the
/// initializer of a readonly field declared in the same file, and what a value means (address, byte offset, page index,
/// page size) from the table in <see cref="RangeParameters"/>. Anything it cannot follow is Unknown, so rules stay quiet.
/// </summary>
internal static class ValueFlow
{
    private const int MaxDepth = 6;

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

    /// <summary>What <paramref name="operation"/> stands for, following locals written once and readonly fields.</summary>
    public static ValueMeaning MeaningOf(IOperation operation, bool allowCompound = false) => MeaningOf(operation, allowCompound, 0);

    private static ValueMeaning MeaningOf(IOperation operation, bool allowCompound, int depth)
    {
        if (depth > MaxDepth)
        {
            return ValueMeaning.Unknown;
        }

        // An explicit cast to nint/nuint makes an address; any other native-sized value is one too (that is what they
        // carry here), unless it is a constant.
        while (operation is IConversionOperation conversion)
        {
            if (!conversion.IsImplicit && IsNative(conversion.Type) && !conversion.ConstantValue.HasValue)
            {
                return ValueMeaning.Address;
            }

            operation = conversion.Operand;
        }

        if (operation.ConstantValue.HasValue)
        {
            return ValueMeaning.Unknown;
        }

        // A value followed to where it comes from means what that source means: a native buffer from
        // Marshal.AllocHGlobal is no address of a mapping. A native-sized parameter, or a local written in several
        // places (a cursor), is taken for an address; a field or a user's property written elsewhere is not followed and
        // tells nothing (a class may keep a native buffer there).
        return operation switch
        {
            IInvocationOperation invocation => RangeParameters.MeaningOf(invocation.TargetMethod),
            IParameterReferenceOperation parameter => ParameterMeaning(parameter.Parameter),
            ILocalReferenceOperation local => SingleValue(local, allowCompound) is { } value
                ? MeaningOf(value, allowCompound: false, depth + 1)
                : NativeOrUnknown(operation),
            IFieldReferenceOperation field => ReadonlyInitializer(field) is { } initializer
                ? MeaningOf(initializer, allowCompound: false, depth + 1)
                : ValueMeaning.Unknown,
            IPropertyReferenceOperation property => RangeParameters.MeaningOf(property.Property),
            IBinaryOperation binary => BinaryMeaning(binary, depth),
            _ => NativeOrUnknown(operation),
        };
    }

    private static ValueMeaning NativeOrUnknown(IOperation operation) =>
        IsNative(operation.Type) ? ValueMeaning.Address : ValueMeaning.Unknown;

    private static ValueMeaning BinaryMeaning(IBinaryOperation binary, int depth)
    {
        ValueMeaning left = MeaningOf(binary.LeftOperand, false, depth + 1);
        ValueMeaning right = MeaningOf(binary.RightOperand, false, depth + 1);
        switch (binary.OperatorKind)
        {
            case BinaryOperatorKind.Subtract when left == ValueMeaning.Address && right == ValueMeaning.Address:
                return ValueMeaning.ByteOffset;
            case BinaryOperatorKind.Add or BinaryOperatorKind.Subtract:
                return left == ValueMeaning.Address || right == ValueMeaning.Address ? ValueMeaning.Address
                    : left == ValueMeaning.ByteOffset || right == ValueMeaning.ByteOffset ? ValueMeaning.ByteOffset
                    : left == right ? left : ValueMeaning.Unknown;
            case BinaryOperatorKind.Multiply:
                return (left, right) is (ValueMeaning.PageIndex, ValueMeaning.PageSize) or (ValueMeaning.PageSize, ValueMeaning.PageIndex)
                    ? ValueMeaning.ByteOffset
                    : ValueMeaning.Unknown;
            case BinaryOperatorKind.Divide:
                return left is ValueMeaning.ByteOffset or ValueMeaning.Address && right == ValueMeaning.PageSize
                    ? ValueMeaning.PageIndex
                    : ValueMeaning.Unknown;
            default:
                return ValueMeaning.Unknown;
        }
    }

    /// <summary>
    /// One level of helpers, backwards: a parameter of a method declared in this file that a call in this file passes a
    /// page size to (<c>Down(fault.Address, memory.PageSize)</c> makes <c>size</c> of <c>Down(nint a, int size)</c> one).
    /// </summary>
    public static bool ReceivesPageSize(IParameterReferenceOperation reference)
    {
        IParameterSymbol parameter = reference.Parameter;
        if (reference.SemanticModel is not { } model || parameter.ContainingSymbol is not IMethodSymbol method
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
        {
            return false;
        }

        SyntaxNode root = model.SyntaxTree.GetRoot();
        foreach (InvocationExpressionSyntax call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (!CallsByName(call, method.Name) || model.GetOperation(call) is not IInvocationOperation invocation
                || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, method.OriginalDefinition))
            {
                continue;
            }

            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.OriginalDefinition, parameter.OriginalDefinition)
                    && MeaningOf(argument.Value) == ValueMeaning.PageSize)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool CallsByName(InvocationExpressionSyntax call, string name) => call.Expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText == name,
        GenericNameSyntax generic => generic.Identifier.ValueText == name,
        _ => false,
    };

    /// <summary>The <c>long pageIndex</c> of a provider or write handler; other parameters tell nothing.</summary>
    private static ValueMeaning ParameterMeaning(IParameterSymbol parameter) =>
        parameter.Type.SpecialType == SpecialType.System_Int64 && RegionSymbols.IsCallback(parameter.ContainingSymbol)
            ? ValueMeaning.PageIndex
            : IsNative(parameter.Type) ? ValueMeaning.Address : ValueMeaning.Unknown;

    public static bool IsNative(ITypeSymbol? type) =>
        type is { SpecialType: SpecialType.System_IntPtr or SpecialType.System_UIntPtr };
}
