using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>Operation-tree helpers shared by the protocol-misuse analyzers (UFFD0050-0052) and the raw-access and lease rules.</summary>
internal static class ProtocolOperations
{
    /// <summary>Metadata name of the runtime's low-level handle, the receiver every protocol rule inspects.</summary>
    public const string UserfaultfdMetadataName = "Uffd.Userfaultfd";

    /// <summary>True when <paramref name="invocation"/> calls an instance method of <paramref name="userfaultfd"/>.</summary>
    public static bool CallsUserfaultfd(IInvocationOperation invocation, INamedTypeSymbol userfaultfd) =>
        !invocation.TargetMethod.IsStatic
        && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, userfaultfd);

    /// <summary><see cref="Conversions.Skip"/> for a value that may be absent (the operation tree keeps implicit conversions as nodes).</summary>
    public static IOperation? Unwrap(IOperation? operation) => operation is null ? null : Conversions.Skip(operation);

    /// <summary>
    /// The symbol a receiver expression names when it is a local, parameter, field or property (what "the same uffd"
    /// means for these rules), else null.
    /// </summary>
    public static ISymbol? ReceiverSymbol(IOperation? receiver) => Unwrap(receiver) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    /// <summary>The argument bound to the parameter called <paramref name="name"/>, whatever its position.</summary>
    public static IArgumentOperation? Argument(IInvocationOperation invocation, string name)
    {
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == name)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>The argument bound to the parameter at <paramref name="ordinal"/>.</summary>
    public static IArgumentOperation? ArgumentAt(IInvocationOperation invocation, int ordinal) => ArgumentAt(invocation.Arguments, ordinal);

    /// <summary>The argument of a call or an object creation bound to the parameter at <paramref name="ordinal"/>.</summary>
    public static IArgumentOperation? ArgumentAt(ImmutableArray<IArgumentOperation> arguments, int ordinal)
    {
        foreach (IArgumentOperation argument in arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>
    /// The bits of an integral or enum constant, looking through conversions (the first constant found wins);
    /// null when the value is not a compile-time constant.
    /// </summary>
    public static ulong? ConstantBits(IOperation? operation)
    {
        while (operation is not null)
        {
            if (operation.ConstantValue is { HasValue: true, Value: { } value } && ToBits(value) is { } bits)
            {
                return bits;
            }

            operation = operation switch
            {
                IConversionOperation conversion => conversion.Operand,
                IParenthesizedOperation parenthesized => parenthesized.Operand,
                _ => null,
            };
        }

        return null;
    }

    /// <summary>The outermost operation above <paramref name="operation"/> that still belongs to the same function.</summary>
    public static IOperation FunctionRoot(IOperation operation)
    {
        IOperation current = operation;
        while (current.Parent is { } parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return parent;
            }

            current = parent;
        }

        return current;
    }

    /// <summary>The whole member body above <paramref name="operation"/> (lambdas included): a local can be assigned outside the lambda that uses it.</summary>
    public static IOperation MemberRoot(IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    private static ulong? ToBits(object value) => value switch
    {
        byte b => b,
        sbyte sb => unchecked((ulong)sb),
        short s => unchecked((ulong)s),
        ushort us => us,
        int i => unchecked((ulong)i),
        uint ui => ui,
        long l => unchecked((ulong)l),
        ulong ul => ul,
        char c => c,
        _ => null,
    };
}
