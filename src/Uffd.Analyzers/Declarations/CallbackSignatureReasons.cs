using Microsoft.CodeAnalysis;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// Why <see cref="RegionDeclarationRules.GetProviderSignature"/> or <see cref="RegionDeclarationRules.GetWriteHandlerSignature"/>
/// rejected a method, as the " (...)" suffix of UFFD0020/UFFD0023; "" when no single reason applies.
/// </summary>
internal static class CallbackSignatureReasons
{
    /// <summary>True when a type in the signature did not bind: the compiler already reports it.</summary>
    public static bool HasErrorTypes(IMethodSymbol method)
    {
        if (method.ReturnType.TypeKind == TypeKind.Error)
        {
            return true;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.Type.TypeKind == TypeKind.Error)
            {
                return true;
            }
        }

        return false;
    }

    public static string ForProvider(IMethodSymbol method)
    {
        string? common = Common(method, "providers", expectedParameters: 2);
        if (common is not null)
        {
            return common;
        }

        if (!method.ReturnsVoid && !RegionDeclarationRules.IsRuntimeType(method.ReturnType, "PageFill"))
        {
            return $" (it returns '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}')";
        }

        IParameterSymbol page = method.Parameters[1];
        if (page.RefKind != RefKind.None
            || page.Type is not INamedTypeSymbol { Name: "Span", Arity: 1 } span
            || span.TypeArguments[0].SpecialType != SpecialType.System_Byte
            || span.ContainingNamespace?.ToDisplayString() != "System")
        {
            return " (the second parameter must be Span<byte>)";
        }

        return FirstParameter(method.Parameters[0]);
    }

    public static string ForWriteHandler(IMethodSymbol method)
    {
        string? common = Common(method, "write handlers", expectedParameters: 1);
        if (common is not null)
        {
            return common;
        }

        if (!method.ReturnsVoid)
        {
            return $" (it returns '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}')";
        }

        return FirstParameter(method.Parameters[0]);
    }

    private static string? Common(IMethodSymbol method, string what, int expectedParameters)
    {
        if (method.IsAsync)
        {
            return $" (async methods cannot be {what})";
        }

        if (method.IsGenericMethod)
        {
            return " (it is generic)";
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            return " (it is not an ordinary method)";
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return " (it returns by reference)";
        }

        if (method.Parameters.Length != expectedParameters)
        {
            return method.Parameters.Length == 1 ? " (it has 1 parameter)" : $" (it has {method.Parameters.Length} parameters)";
        }

        return null;
    }

    private static string FirstParameter(IParameterSymbol parameter)
    {
        if (RegionDeclarationRules.IsRuntimeType(parameter.Type, "PageFaultContext"))
        {
            return " (the context must be passed by value or 'in')";
        }

        if (parameter.Type.SpecialType == SpecialType.System_Int64)
        {
            return " (the page index must be passed by value)";
        }

        return " (the first parameter must be long pageIndex or PageFaultContext context)";
    }
}
