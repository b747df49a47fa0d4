using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers;

/// <summary>Looking through the conversions around a value, the way every rule does.</summary>
internal static class Conversions
{
    /// <summary>The value converted, through every conversion (casts, implicit widening, boxing).</summary>
    public static IOperation Skip(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>The value converted, through the conversions the compiler inserted only (a written cast stays).</summary>
    public static IOperation SkipImplicit(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
