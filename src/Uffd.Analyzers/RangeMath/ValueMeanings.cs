using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// What a value stands for (address, byte offset, page index, page size), from the table in
/// <see cref="RangeParameters"/> and the values <see cref="ValueFlow"/> follows. Anything it cannot follow is Unknown,
/// so the rules stay quiet.
/// </summary>
internal static class ValueMeanings
{
    private const int MaxDepth = 6;

    /// <summary>What <paramref name="operation"/> stands for, following locals written once and readonly fields.</summary>
    public static ValueMeaning MeaningOf(IOperation operation, bool allowCompound = false) => MeaningOf(operation, allowCompound, 0);

    private static ValueMeaning MeaningOf(IOperation operation, bool allowCompound, int depth)
    {
        if (depth > MaxDepth)
        {
            return ValueMeaning.Unknown;
        }

        // An explicit cast to nint/nuint makes an address (that is what they carry here), unless it is a constant.
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
            ILocalReferenceOperation local => ValueFlow.SingleValue(local, allowCompound) is { } value
                ? MeaningOf(value, allowCompound: false, depth + 1)
                : NativeOrUnknown(operation),
            IFieldReferenceOperation field => ValueFlow.ReadonlyInitializer(field) is { } initializer
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
