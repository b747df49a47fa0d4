using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// Recognizes the x86-64 page size however it is spelled: 4096, 0x1000, 4 * 1024, 1 &lt;&lt; 12, a const field or local,
/// a static readonly field initialized with one, or a local written once with one; and the mask 4095 (0xFFF) and its
/// complement. Enums and chars are never page sizes (FileAttributes.Offline is 4096).
/// </summary>
internal static class PageSizeConstants
{
    public const long PageSize = 4096;

    public const int PageShift = 12;

    /// <summary>The integral constant value of <paramref name="operation"/>, following written-once locals and static readonly fields.</summary>
    public static bool TryGetValue(IOperation operation, out long value) => TryGetValue(operation, out value, followValues: true);

    /// <summary>The compile-time constant value only (what the language folds).</summary>
    public static bool TryGetConstant(IOperation operation, out long value) => TryGetValue(operation, out value, followValues: false);

    private static bool TryGetValue(IOperation operation, out long value, bool followValues)
    {
        value = 0;
        if (operation.Type is { TypeKind: TypeKind.Enum } || operation.Type?.SpecialType == SpecialType.System_Char)
        {
            return false;
        }

        if (operation.ConstantValue is { HasValue: true, Value: { } constant })
        {
            return TryConvert(constant, out value);
        }

        if (!followValues)
        {
            return false;
        }

        IOperation? source = Conversions.Skip(operation) switch
        {
            ILocalReferenceOperation local => ValueFlow.SingleValue(local),
            IFieldReferenceOperation { Field.IsStatic: true } field => ValueFlow.ReadonlyInitializer(field),
            _ => null,
        };
        return source is not null && TryGetValue(source, out value, followValues: false);
    }

    /// <summary>4096 as a value: <c>4096</c>, <c>0x1000</c>, <c>4 * 1024</c>, <c>1 &lt;&lt; 12</c>, a named constant of it.</summary>
    public static bool IsPageSize(IOperation operation) => TryGetValue(operation, out long value) && value == PageSize;

    /// <summary>The low mask 4095 (0xFFF).</summary>
    public static bool IsLowMask(IOperation operation) => TryGetValue(operation, out long value) && value == PageSize - 1;

    /// <summary>The high mask ~4095 (-4096, ~0xFFF), in any signed or unsigned width.</summary>
    public static bool IsHighMask(IOperation operation)
    {
        // ~(nint)0xFFF is not a constant (its width is the machine's): recognize the complement of the low mask.
        if (Conversions.Skip(operation) is IUnaryOperation { OperatorKind: UnaryOperatorKind.BitwiseNegation } complement
            && !complement.ConstantValue.HasValue)
        {
            return IsLowMask(Conversions.Skip(complement.Operand));
        }

        if (!TryGetValue(operation, out long value))
        {
            return false;
        }

        return value == -PageSize
            || (operation.Type?.SpecialType is SpecialType.System_UInt32 && value == uint.MaxValue - (PageSize - 1))
            || (operation.Type?.SpecialType is SpecialType.System_UInt64 or SpecialType.System_UIntPtr && unchecked((ulong)value) == ulong.MaxValue - (PageSize - 1));
    }

    /// <summary>A shift amount of 12 (the log2 of 4096).</summary>
    public static bool IsPageShift(IOperation operation) => TryGetValue(operation, out long value) && value == PageShift;

    private static bool TryConvert(object constant, out long value)
    {
        value = 0;
        switch (constant)
        {
            case ulong large:
                value = unchecked((long)large);
                return true;
            case sbyte or byte or short or ushort or int or uint or long:
                value = Convert.ToInt64(constant, CultureInfo.InvariantCulture);
                return true;
            case IntPtr native:
                value = native.ToInt64();
                return true;
            case UIntPtr unsignedNative:
                value = unchecked((long)unsignedNative.ToUInt64());
                return true;
            default:
                return false;
        }
    }
}
