using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Uffd.Analyzers.Protocol;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Where managed code dereferences an address that <see cref="RawAddressTaint"/> follows back to a source:
/// <c>*p</c>, <c>p[i]</c>, <c>p-&gt;f</c>; <c>new Span&lt;T&gt;(p, n)</c>, <c>new ReadOnlySpan&lt;T&gt;(p, n)</c>,
/// <c>new UnmanagedMemoryStream(p, ...)</c>; <c>MemoryMarshal.CreateSpan</c>/<c>CreateReadOnlySpan</c> over
/// <c>Unsafe.AsRef(p)</c>; the pointer members of <c>Unsafe</c>, <c>Buffer.MemoryCopy</c>, <c>NativeMemory.Copy</c>/
/// <c>Fill</c>/<c>Clear</c>; the address arguments of the <c>Marshal</c> copy, read, write and string members. The BCL
/// members are resolved once per compilation.
/// </summary>
internal sealed class RawDereferences
{
    /// <summary>The syntax kinds <see cref="At"/> looks at.</summary>
    public static readonly ImmutableArray<SyntaxKind> Kinds = ImmutableArray.Create(
        SyntaxKind.PointerIndirectionExpression,
        SyntaxKind.ElementAccessExpression,
        SyntaxKind.PointerMemberAccessExpression,
        SyntaxKind.InvocationExpression,
        SyntaxKind.ObjectCreationExpression,
        SyntaxKind.ImplicitObjectCreationExpression);

    private readonly ManagedAccessMembers members;

    public RawDereferences(Compilation compilation) => members = new ManagedAccessMembers(compilation);

    /// <summary>The source of the address <paramref name="node"/> dereferences in managed code, or null.</summary>
    public RawAddressSource? At(SyntaxNode node, SemanticModel model, RawAddressTaint taint, CancellationToken cancellationToken) => node switch
    {
        InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax => AtCall(node, model, taint, cancellationToken),
        ExpressionSyntax expression => AtDereference(expression, model, taint, cancellationToken),
        _ => null,
    };

    /// <summary>The pointer a dereference reads through: <c>p</c> of <c>*p</c>, <c>p[i]</c> and <c>p-&gt;f</c>.</summary>
    public static ExpressionSyntax? DereferencedPointer(ExpressionSyntax expression) => expression switch
    {
        PrefixUnaryExpressionSyntax indirection when indirection.IsKind(SyntaxKind.PointerIndirectionExpression) => indirection.Operand,
        ElementAccessExpressionSyntax element => element.Expression,
        MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.PointerMemberAccessExpression) => member.Expression,
        _ => null,
    };

    private static RawAddressSource? AtDereference(ExpressionSyntax expression, SemanticModel model, RawAddressTaint taint, CancellationToken cancellationToken)
    {
        if (DereferencedPointer(expression) is not { } pointer || TakesAddress(expression))
        {
            return null;
        }

        if (expression is ElementAccessExpressionSyntax && model.GetTypeInfo(pointer, cancellationToken).Type is not IPointerTypeSymbol)
        {
            return null;
        }

        return taint.SourceOf(pointer, cancellationToken);
    }

    /// <summary><c>&amp;*p</c>, <c>&amp;p[i]</c>, <c>&amp;p-&gt;f</c> compute an address and touch nothing.</summary>
    private static bool TakesAddress(ExpressionSyntax expression)
    {
        SyntaxNode? parent = expression.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent is PrefixUnaryExpressionSyntax unary && unary.IsKind(SyntaxKind.AddressOfExpression);
    }

    private RawAddressSource? AtCall(SyntaxNode node, SemanticModel model, RawAddressTaint taint, CancellationToken cancellationToken)
    {
        // Method names cannot be aliased: calls to anything else are skipped before binding.
        if (node is InvocationExpressionSyntax call && !ManagedAccessMembers.MayBeSink(call))
        {
            return null;
        }

        IOperation? operation = model.GetOperation(node, cancellationToken);
        while (operation is IConversionOperation conversion && conversion.Operand.Syntax == node)
        {
            operation = conversion.Operand; // new(p, n) converted to its target type
        }

        switch (operation)
        {
            case IInvocationOperation invocation:
                SinkKind kind = members.Classify(invocation.TargetMethod);
                if (kind == SinkKind.RefFromAsRef)
                {
                    foreach (IArgumentOperation argument in invocation.Arguments)
                    {
                        if (ProtocolOperations.Unwrap(argument.Value) is IInvocationOperation asRef
                            && asRef.TargetMethod.Name == "AsRef"
                            && members.Classify(asRef.TargetMethod) == SinkKind.PointerArguments
                            && AddressSource(asRef.Arguments, SinkKind.PointerArguments, taint, cancellationToken) is { } source)
                        {
                            return source;
                        }
                    }

                    return null;
                }

                return kind != SinkKind.None && !IsSpanOverAsRef(invocation, members)
                    ? AddressSource(invocation.Arguments, kind, taint, cancellationToken)
                    : null;

            case IObjectCreationOperation { Constructor: { } constructor } creation:
                SinkKind creationKind = members.Classify(constructor);
                return creationKind == SinkKind.None ? null : AddressSource(creation.Arguments, creationKind, taint, cancellationToken);

            default:
                return null;
        }
    }

    /// <summary>The <c>Unsafe.AsRef(p)</c> of <c>MemoryMarshal.CreateSpan(ref Unsafe.AsRef(p), n)</c>: the span is reported instead.</summary>
    private static bool IsSpanOverAsRef(IInvocationOperation invocation, ManagedAccessMembers members) =>
        invocation.TargetMethod.Name == "AsRef"
        && invocation.Parent is IArgumentOperation { Parent: IInvocationOperation outer }
        && members.Classify(outer.TargetMethod) == SinkKind.RefFromAsRef;

    private static RawAddressSource? AddressSource(
        ImmutableArray<IArgumentOperation> arguments, SinkKind kind, RawAddressTaint taint, CancellationToken cancellationToken)
    {
        foreach (IArgumentOperation argument in arguments)
        {
            if (argument.Parameter is { } parameter
                && ManagedAccessMembers.IsAddressParameter(kind, parameter)
                && taint.SourceOf(argument.Value, cancellationToken) is { } source)
            {
                return source;
            }
        }

        return null;
    }

    /// <summary>How a member of the BCL takes the address it reads or writes.</summary>
    private enum SinkKind
    {
        None,

        /// <summary>Every pointer parameter is read or written (<c>Unsafe</c>, <c>Buffer</c>, <c>NativeMemory</c>, span and stream constructors).</summary>
        PointerArguments,

        /// <summary>Every <c>IntPtr</c> parameter but a written value (<c>val</c>) is read or written (<c>Marshal</c>).</summary>
        IntPtrArguments,

        /// <summary><c>MemoryMarshal.CreateSpan</c>/<c>CreateReadOnlySpan</c>: a span over the <c>ref</c> it is given.</summary>
        RefFromAsRef,
    }

    /// <summary>The BCL members that touch memory in managed code, resolved once per compilation.</summary>
    private sealed class ManagedAccessMembers
    {
        private static readonly ImmutableHashSet<string> UnsafeMethods = ImmutableHashSet.Create(
            "Read", "ReadUnaligned", "Write", "WriteUnaligned", "AsRef", "Copy", "CopyBlock", "CopyBlockUnaligned", "InitBlock", "InitBlockUnaligned");

        private static readonly ImmutableHashSet<string> BufferMethods = ImmutableHashSet.Create("MemoryCopy");

        private static readonly ImmutableHashSet<string> NativeMemoryMethods = ImmutableHashSet.Create("Copy", "Fill", "Clear");

        private static readonly ImmutableHashSet<string> MarshalMethods = ImmutableHashSet.Create(
            "Copy", "ReadByte", "ReadInt16", "ReadInt32", "ReadInt64", "ReadIntPtr", "WriteByte", "WriteInt16", "WriteInt32", "WriteInt64",
            "WriteIntPtr", "PtrToStructure", "StructureToPtr", "PtrToStringAnsi", "PtrToStringUTF8", "PtrToStringUni");

        private static readonly ImmutableHashSet<string> MemoryMarshalMethods = ImmutableHashSet.Create("CreateSpan", "CreateReadOnlySpan");

        private static readonly ImmutableHashSet<string> AllNames =
            UnsafeMethods.Union(BufferMethods).Union(NativeMemoryMethods).Union(MarshalMethods).Union(MemoryMarshalMethods);

        private readonly INamedTypeSymbol? unsafeType;
        private readonly INamedTypeSymbol? buffer;
        private readonly INamedTypeSymbol? nativeMemory;
        private readonly INamedTypeSymbol? marshal;
        private readonly INamedTypeSymbol? memoryMarshal;
        private readonly INamedTypeSymbol? span;
        private readonly INamedTypeSymbol? readOnlySpan;
        private readonly INamedTypeSymbol? stream;

        public ManagedAccessMembers(Compilation compilation)
        {
            unsafeType = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.Unsafe");
            buffer = compilation.GetTypeByMetadataName("System.Buffer");
            nativeMemory = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.NativeMemory");
            marshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.Marshal");
            memoryMarshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal");
            span = compilation.GetTypeByMetadataName("System.Span`1");
            readOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
            stream = compilation.GetTypeByMetadataName("System.IO.UnmanagedMemoryStream");
        }

        /// <summary>False when the called name is none of the members: the call needs no binding.</summary>
        public static bool MayBeSink(InvocationExpressionSyntax call)
        {
            SimpleNameSyntax? name = call.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name,
                SimpleNameSyntax simple => simple,
                MemberBindingExpressionSyntax binding => binding.Name,
                _ => null,
            };
            return name is not null && AllNames.Contains(name.Identifier.ValueText);
        }

        public SinkKind Classify(IMethodSymbol method)
        {
            INamedTypeSymbol? type = method.ContainingType?.OriginalDefinition;
            if (type is null)
            {
                return SinkKind.None;
            }

            if (method.MethodKind == MethodKind.Constructor)
            {
                return Is(type, span) || Is(type, readOnlySpan) || Is(type, stream) ? SinkKind.PointerArguments : SinkKind.None;
            }

            string name = method.Name;
            if ((Is(type, unsafeType) && UnsafeMethods.Contains(name))
                || (Is(type, buffer) && BufferMethods.Contains(name))
                || (Is(type, nativeMemory) && NativeMemoryMethods.Contains(name)))
            {
                return SinkKind.PointerArguments;
            }

            if (Is(type, marshal) && MarshalMethods.Contains(name))
            {
                return SinkKind.IntPtrArguments;
            }

            return Is(type, memoryMarshal) && MemoryMarshalMethods.Contains(name) ? SinkKind.RefFromAsRef : SinkKind.None;
        }

        public static bool IsAddressParameter(SinkKind kind, IParameterSymbol parameter) => kind switch
        {
            SinkKind.PointerArguments => parameter.Type is IPointerTypeSymbol,
            SinkKind.IntPtrArguments => parameter.Type.SpecialType == SpecialType.System_IntPtr && parameter.Name != "val",
            _ => false,
        };

        private static bool Is(INamedTypeSymbol type, INamedTypeSymbol? candidate) =>
            candidate is not null && SymbolEqualityComparer.Default.Equals(type, candidate);
    }
}
