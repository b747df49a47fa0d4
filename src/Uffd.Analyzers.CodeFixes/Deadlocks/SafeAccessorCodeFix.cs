using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Protocol;

namespace Uffd.Analyzers.CodeFixes.Deadlocks;

/// <summary>
/// UFFD0032: replaces a span or a byte read over a generated region's <c>BaseAddress</c> with the region's own safe
/// accessor, when the rewrite is mechanical: <c>new Span&lt;byte&gt;((void*)(r.BaseAddress + o), n)</c> becomes
/// <c>r.AsSpan(o, n)</c> (only where the region has <c>AsSpan</c>: synchronous write protection has none),
/// <c>new ReadOnlySpan&lt;byte&gt;(...)</c> becomes <c>r.AsReadOnlySpan(o, n)</c>, and a read of one byte
/// (<c>*(byte*)(r.BaseAddress + o)</c>, <c>((byte*)r.BaseAddress)[i]</c>) becomes <c>r.AsReadOnlySpan(o, 1)[0]</c>.
/// Addresses that went through a local, writes and other shapes are left to the user.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SafeAccessorCodeFix))]
[Shared]
public sealed class SafeAccessorCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = "UFFD0032.SafeAccessor";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RawRegionAccess);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax sink
                || Rewrite(sink, model, context.CancellationToken) is not { } rewrite)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {rewrite.Method}",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(sink, rewrite.Expression.WithTriviaFrom(sink)))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static Replacement? Rewrite(ExpressionSyntax sink, SemanticModel model, CancellationToken cancellationToken)
    {
        switch (sink)
        {
            case BaseObjectCreationExpressionSyntax creation:
                return RewriteSpan(creation, model, cancellationToken);

            case PrefixUnaryExpressionSyntax or ElementAccessExpressionSyntax:
                if (model.GetTypeInfo(sink, cancellationToken).Type?.SpecialType != SpecialType.System_Byte || !IsReadOnly(sink))
                {
                    return null;
                }

                ExpressionSyntax? pointer = RawRegionAccessAnalyzer.DereferencedPointer(sink);
                RegionAddress? address = pointer is null ? null : Decompose(pointer, model, cancellationToken);
                ExpressionSyntax? offset = address?.Offset;
                if (sink is ElementAccessExpressionSyntax element)
                {
                    // ((byte*)r.BaseAddress)[i]: the index is the offset, from the base itself only.
                    if (address?.Offset is not null
                        || element.ArgumentList.Arguments.Count != 1
                        || element.ArgumentList.Arguments[0] is not { NameColon: null, RefKindKeyword.RawKind: 0 } index
                        || !IsOffset(index.Expression, model, cancellationToken))
                    {
                        return null;
                    }

                    offset = index.Expression;
                }

                if (address is null || !HasAccessor(address.Region, "AsReadOnlySpan"))
                {
                    return null;
                }

                ExpressionSyntax read = SyntaxFactory.ParseExpression(Call(address.Receiver, "AsReadOnlySpan", offset, "1") + "[0]");
                return new Replacement("AsReadOnlySpan", read);

            default:
                return null;
        }
    }

    /// <summary><c>new Span&lt;byte&gt;(p, n)</c> / <c>new ReadOnlySpan&lt;byte&gt;(p, n)</c> over the region's base.</summary>
    private static Replacement? RewriteSpan(BaseObjectCreationExpressionSyntax creation, SemanticModel model, CancellationToken cancellationToken)
    {
        IOperation? operation = model.GetOperation(creation, cancellationToken) is { } found ? Conversions.Skip(found) : null;
        if (operation is not IObjectCreationOperation { Constructor: { Parameters.Length: 2 } constructor } created
            || constructor.ContainingType is not { TypeArguments.Length: 1 } spanType
            || spanType.TypeArguments[0].SpecialType != SpecialType.System_Byte
            || spanType.ContainingNamespace?.ToDisplayString() != "System")
        {
            return null;
        }

        string? method = spanType.Name switch
        {
            "Span" => "AsSpan",
            "ReadOnlySpan" => "AsReadOnlySpan",
            _ => null,
        };
        ExpressionSyntax? pointer = ArgumentExpression(created, 0);
        ExpressionSyntax? length = ArgumentExpression(created, 1);
        if (method is null || pointer is null || length is null
            || Decompose(pointer, model, cancellationToken) is not { } address
            || !HasAccessor(address.Region, method))
        {
            return null;
        }

        return new Replacement(method, SyntaxFactory.ParseExpression(Call(address.Receiver, method, address.Offset, length.ToString())));
    }

    private static ExpressionSyntax? ArgumentExpression(IObjectCreationOperation creation, int ordinal) =>
        ProtocolOperations.ArgumentAt(creation.Arguments, ordinal)?.Syntax is ArgumentSyntax syntax ? syntax.Expression : null;

    /// <summary>
    /// <c>r.BaseAddress</c>, <c>r.BaseAddress + o</c> or <c>o + r.BaseAddress</c> (the base as <c>nint</c> or
    /// <c>byte*</c>), under casts to <c>void*</c>, <c>byte*</c> or <c>nint</c>, <c>ToPointer()</c>, parentheses and
    /// <c>checked</c>; null for anything else.
    /// </summary>
    private static RegionAddress? Decompose(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        expression = RawAddressTaint.Unparenthesize(expression);
        switch (expression)
        {
            case CastExpressionSyntax cast:
                ITypeSymbol? type = model.GetTypeInfo(cast.Type, cancellationToken).Type;
                return IsBytePointerOrNint(type) || type is IPointerTypeSymbol { PointedAtType.SpecialType: SpecialType.System_Void }
                    ? Decompose(cast.Expression, model, cancellationToken)
                    : null;

            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToPointer" } toPointer, ArgumentList.Arguments.Count: 0 }
                when model.GetSymbolInfo(toPointer, cancellationToken).Symbol?.ContainingType?.SpecialType == SpecialType.System_IntPtr:
                return Decompose(toPointer.Expression, model, cancellationToken);

            case BinaryExpressionSyntax add when add.IsKind(SyntaxKind.AddExpression):
                return WithOffset(add.Left, add.Right, model, cancellationToken) ?? WithOffset(add.Right, add.Left, model, cancellationToken);

            case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                if (model.GetSymbolInfo(expression, cancellationToken).Symbol is IPropertySymbol { Name: "BaseAddress" } property
                    && property.ContainingType is { } region
                    && RegionSymbols.IsRegion(region)
                    && RegionSymbols.IsGenerated(property))
                {
                    ExpressionSyntax? receiver = expression is MemberAccessExpressionSyntax access ? access.Expression : null;
                    return new RegionAddress(receiver, region, offset: null);
                }

                return null;

            default:
                return null;
        }
    }

    /// <summary><paramref name="baseSide"/> + <paramref name="offset"/>, when the sum is a byte offset from the base.</summary>
    private static RegionAddress? WithOffset(ExpressionSyntax baseSide, ExpressionSyntax offset, SemanticModel model, CancellationToken cancellationToken)
    {
        // Pointer arithmetic on anything but byte* is scaled by the element size: not a byte offset.
        if (!IsBytePointerOrNint(model.GetTypeInfo(baseSide, cancellationToken).Type)
            || Decompose(baseSide, model, cancellationToken) is not { Offset: null } address)
        {
            return null;
        }

        offset = RawAddressTaint.Unparenthesize(offset);
        // (nint)offset: the accessors take a long, so a cast that only widened the offset is dropped.
        if (offset is CastExpressionSyntax cast
            && model.GetTypeInfo(cast.Type, cancellationToken).Type?.SpecialType == SpecialType.System_IntPtr
            && IsOffset(cast.Expression, model, cancellationToken))
        {
            offset = RawAddressTaint.Unparenthesize(cast.Expression);
        }

        return IsOffset(offset, model, cancellationToken) ? new RegionAddress(address.Receiver, address.Region, offset) : null;
    }

    /// <summary>An integer that converts to the accessors' <c>long offset</c> as it is.</summary>
    private static bool IsOffset(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetTypeInfo(expression, cancellationToken).Type is { } type
        && type is not IPointerTypeSymbol
        && model.Compilation.ClassifyConversion(type, model.Compilation.GetSpecialType(SpecialType.System_Int64)).IsImplicit;

    private static bool IsBytePointerOrNint(ITypeSymbol? type) =>
        type?.SpecialType == SpecialType.System_IntPtr || type is IPointerTypeSymbol { PointedAtType.SpecialType: SpecialType.System_Byte };

    /// <summary>The generated accessor with an (offset, length) overload, as the generator wrote it for the region's mode.</summary>
    private static bool HasAccessor(INamedTypeSymbol region, string name)
    {
        foreach (ISymbol member in region.GetMembers(name))
        {
            if (member is IMethodSymbol { Parameters.Length: 2 } && RegionSymbols.IsGenerated(member))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A dereference whose value is only read: not assigned, incremented, taken by address or by reference.</summary>
    private static bool IsReadOnly(ExpressionSyntax sink)
    {
        SyntaxNode node = sink;
        SyntaxNode? parent = sink.Parent;
        while (parent is ParenthesizedExpressionSyntax)
        {
            node = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left != node,
            PrefixUnaryExpressionSyntax unary => !unary.IsKind(SyntaxKind.AddressOfExpression)
                && !unary.IsKind(SyntaxKind.PreIncrementExpression) && !unary.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax => false,
            RefExpressionSyntax => false,
            ArgumentSyntax argument => argument.RefKindKeyword.IsKind(SyntaxKind.None) && argument.Parent is not TupleExpressionSyntax,
            _ => true,
        };
    }

    private static string Call(ExpressionSyntax? receiver, string method, ExpressionSyntax? offset, string length) =>
        $"{(receiver is null ? string.Empty : receiver.WithoutTrivia().ToFullString() + ".")}{method}({offset?.WithoutTrivia().ToFullString() ?? "0"}, {length})";

    private sealed class RegionAddress
    {
        public RegionAddress(ExpressionSyntax? receiver, INamedTypeSymbol region, ExpressionSyntax? offset)
        {
            Receiver = receiver;
            Region = region;
            Offset = offset;
        }

        /// <summary>The <c>r</c> of <c>r.BaseAddress</c>; null for a bare <c>BaseAddress</c> inside the region.</summary>
        public ExpressionSyntax? Receiver { get; }

        public INamedTypeSymbol Region { get; }

        /// <summary>The byte offset added to the base, or null for the base itself.</summary>
        public ExpressionSyntax? Offset { get; }
    }

    private sealed class Replacement
    {
        public Replacement(string method, ExpressionSyntax expression)
        {
            Method = method;
            Expression = expression;
        }

        public string Method { get; }

        public ExpressionSyntax Expression { get; }
    }
}
