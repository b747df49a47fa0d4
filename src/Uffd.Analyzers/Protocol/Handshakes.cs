using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// What UFFD0052 knows about UFFDIO_API handshakes: which calls make one (a P/Invoke <c>ioctl</c> with the request, or
/// a helper of the same file that makes one on its parameter) and which descriptors already had theirs (a
/// Userfaultfd's <c>Handle</c>, through locals, a readonly field or a helper of the same file that returns it).
/// Helpers are followed one call deep and only in the file being analyzed: their operations come from its semantic model.
/// </summary>
internal sealed class Handshakes
{
    /// <summary>UFFDIO_API = _IOWR(0xAA, 0x3F, struct uffdio_api); the kernel reads the request as 32 bits.</summary>
    private const uint UffdioApi = 0xC018AA3F;

    /// <summary>How many locals, calls and fields deep a descriptor's origin is followed.</summary>
    private const int MaxDepth = 8;

    private readonly INamedTypeSymbol userfaultfd;
    private readonly INamedTypeSymbol? dllImport;
    private readonly INamedTypeSymbol? libraryImport;
    private readonly ConcurrentDictionary<IMethodSymbol, int> helperParameters = new(SymbolEqualityComparer.Default);

    public Handshakes(Compilation compilation, INamedTypeSymbol userfaultfd)
    {
        this.userfaultfd = userfaultfd;
        dllImport = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.DllImportAttribute");
        libraryImport = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.LibraryImportAttribute");
    }

    /// <summary>The descriptor argument of <paramref name="invocation"/> when the call makes a handshake on it.</summary>
    public IOperation? HandshakeDescriptor(IInvocationOperation invocation, int depth = 1)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name == "ioctl" && method.Parameters.Length >= 2 && IsPInvoke(method))
        {
            ulong? request = ProtocolOperations.ConstantBits(ProtocolOperations.ArgumentAt(invocation, 1)?.Value);
            return request is { } bits && unchecked((uint)bits) == UffdioApi ? ProtocolOperations.ArgumentAt(invocation, 0)?.Value : null;
        }

        // One call deep: a helper whose body makes the handshake on one of its parameters.
        if (depth <= 0)
        {
            return null;
        }

        int ordinal = helperParameters.GetOrAdd(method.OriginalDefinition, helper => HandshakeParameter(helper, invocation));
        return ordinal < 0 ? null : ProtocolOperations.ArgumentAt(invocation, ordinal)?.Value;
    }

    /// <summary>The ordinal of the parameter a helper of this file makes a handshake on, or -1.</summary>
    private int HandshakeParameter(IMethodSymbol method, IOperation call)
    {
        // Only a method whose text calls something named ioctl is worth its operations.
        if (method.DeclaringSyntaxReferences.Length != 1
            || !method.DeclaringSyntaxReferences[0].GetSyntax().DescendantTokens().Any(token => token.ValueText == "ioctl")
            || Body(method, call) is not { } body)
        {
            return -1;
        }

        foreach (IOperation node in body.Descendants())
        {
            if (node is IInvocationOperation inner
                && HandshakeDescriptor(inner, depth: 0) is { } fd
                && ProtocolOperations.Unwrap(fd) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method))
            {
                return parameter.Parameter.Ordinal;
            }
        }

        return -1;
    }

    /// <summary>The text of the Userfaultfd whose descriptor <paramref name="fd"/> is, or null.</summary>
    public string? UserfaultfdOf(IOperation? fd, int depth = MaxDepth)
    {
        if (depth <= 0 || fd is null)
        {
            return null;
        }

        switch (ProtocolOperations.Unwrap(fd))
        {
            case IPropertyReferenceOperation { Property.Name: "Handle" } handle
                when SymbolEqualityComparer.Default.Equals(handle.Property.ContainingType?.OriginalDefinition, userfaultfd):
                return handle.Instance?.Syntax.ToString() ?? "this";

            // FileDescriptorHandle.DangerousGetFd() and SafeHandle.DangerousGetHandle() on such a handle.
            case IInvocationOperation { TargetMethod.Name: "DangerousGetFd" or "DangerousGetHandle", Instance: { } instance }:
                return UserfaultfdOf(instance, depth - 1);

            case IInvocationOperation call:
                return FromHelper(call, depth - 1);

            case ILocalReferenceOperation local:
                return SingleOrigin(ProtocolOperations.MemberRoot(fd), local.Local, depth - 1);

            case IFieldReferenceOperation { Field.IsReadOnly: true } field:
                return FromReadonlyField(field, depth - 1);

            default:
                return null;
        }
    }

    /// <summary><c>DescriptorOf(uffd)</c> where the helper returns its parameter's handle: the argument is the uffd.</summary>
    private string? FromHelper(IInvocationOperation call, int depth)
    {
        if (Body(call.TargetMethod, call) is not { } body)
        {
            return null;
        }

        string? origin = null;
        foreach (IOperation node in body.Descendants())
        {
            if (node is not IReturnOperation { ReturnedValue: { } value })
            {
                continue;
            }

            if (!Fold(HandleOfParameter(value, call, depth) ?? UserfaultfdOf(value, depth), ref origin))
            {
                return null;
            }
        }

        return origin;
    }

    /// <summary>For a returned <c>p.Handle...</c> of the helper's Userfaultfd parameter p: the caller's argument.</summary>
    private string? HandleOfParameter(IOperation value, IInvocationOperation call, int depth)
    {
        IOperation? current = ProtocolOperations.Unwrap(value);
        for (int i = 0; i < depth && current is not null; i++)
        {
            switch (current)
            {
                case IInvocationOperation { TargetMethod.Name: "DangerousGetFd" or "DangerousGetHandle", Instance: { } instance }:
                    current = ProtocolOperations.Unwrap(instance);
                    continue;
                case IPropertyReferenceOperation { Property.Name: "Handle", Instance: IParameterReferenceOperation parameter } handle
                    when SymbolEqualityComparer.Default.Equals(handle.Property.ContainingType?.OriginalDefinition, userfaultfd)
                         && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, call.TargetMethod.OriginalDefinition):
                    return ProtocolOperations.ArgumentAt(call, parameter.Parameter.Ordinal)?.Value.Syntax.ToString();
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The origin of the values stored in the local when every one is a uffd's descriptor; else null.</summary>
    private string? SingleOrigin(IOperation function, ILocalSymbol local, int depth)
    {
        string? origin = null;
        foreach (IOperation descendant in function.Descendants())
        {
            IOperation? value = descendant switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    => declarator.Initializer?.Value,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                    when SymbolEqualityComparer.Default.Equals(target.Local, local)
                    => assignment.Value,
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            if (!Fold(UserfaultfdOf(value, depth), ref origin))
            {
                return null;
            }
        }

        return origin;
    }

    /// <summary>A readonly field every assignment of which (initializer, constructors) in this file stores a uffd's descriptor.</summary>
    private string? FromReadonlyField(IFieldReferenceOperation reference, int depth)
    {
        IFieldSymbol field = reference.Field;
        SemanticModel? model = reference.SemanticModel;
        if (model is null || !field.ContainingType.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == model.SyntaxTree))
        {
            return null;
        }

        string? origin = null;
        foreach (SyntaxReference declaration in field.ContainingType.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree != model.SyntaxTree)
            {
                // An assignment in another file of a partial type is not seen: cannot decide.
                return null;
            }

            foreach (SyntaxNode node in declaration.GetSyntax().DescendantNodes())
            {
                IOperation? value = model.GetOperation(node) switch
                {
                    ISimpleAssignmentOperation { Target: IFieldReferenceOperation target } assignment
                        when SymbolEqualityComparer.Default.Equals(target.Field, field) => assignment.Value,
                    IFieldInitializerOperation initializer when initializer.InitializedFields.Contains(field, SymbolEqualityComparer.Default)
                        => initializer.Value,
                    _ => null,
                };
                if (value is null)
                {
                    continue;
                }

                if (!Fold(UserfaultfdOf(value, depth), ref origin))
                {
                    return null;
                }
            }
        }

        return origin;
    }

    /// <summary>
    /// Takes one more value that can reach the use: false when it is not a uffd's descriptor (then the use is not
    /// known to be one). Otherwise the first value's origin is kept, the one the diagnostic names: each of them has had
    /// its handshake.
    /// </summary>
    private static bool Fold(string? source, ref string? origin)
    {
        if (source is null)
        {
            return false;
        }

        origin ??= source;
        return true;
    }

    /// <summary>The body of a method of the file being analyzed (a method or a local function), or null.</summary>
    private static IOperation? Body(IMethodSymbol method, IOperation call) =>
        call.SemanticModel is { } model ? SameFileHelpers.BodyIn(method, model) : null;

    private bool IsPInvoke(IMethodSymbol method) =>
        method.IsExtern
        || HasImportAttribute(method)
        || (method.PartialDefinitionPart is { } definition && HasImportAttribute(definition));

    private bool HasImportAttribute(IMethodSymbol method)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { } type
                && (SymbolEqualityComparer.Default.Equals(type, dllImport) || SymbolEqualityComparer.Default.Equals(type, libraryImport)))
            {
                return true;
            }
        }

        return false;
    }
}
