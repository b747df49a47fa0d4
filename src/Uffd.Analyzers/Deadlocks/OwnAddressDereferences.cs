using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// For UFFD0030, within one member body of a region class: where the region's own <c>BaseAddress</c> (followed through
/// locals and arithmetic by <see cref="RawAddressTaint"/>) is dereferenced in managed code (<c>*p</c>, <c>p[i]</c>,
/// <c>p-&gt;f</c>, <c>new Span&lt;T&gt;(p, n)</c>, <c>new ReadOnlySpan&lt;T&gt;(p, n)</c>), where a field of the class is
/// dereferenced, and where a region address is stored in a field of the class. A field dereference counts as a touch
/// once some member stores a region address in that field (decided when the whole type has been seen).
/// </summary>
internal sealed class OwnAddressDereferences
{
    public static readonly ImmutableArray<SyntaxKind> Kinds = ImmutableArray.Create(
        SyntaxKind.PointerIndirectionExpression,
        SyntaxKind.ElementAccessExpression,
        SyntaxKind.PointerMemberAccessExpression,
        SyntaxKind.ObjectCreationExpression,
        SyntaxKind.ImplicitObjectCreationExpression,
        SyntaxKind.SimpleAssignmentExpression);

    private readonly INamedTypeSymbol _region;
    private readonly SemanticModel _model;
    private readonly RawAddressTaint _taint;

    public OwnAddressDereferences(INamedTypeSymbol region, RawAddressSources sources, SyntaxNode codeBlock, SemanticModel model)
    {
        _region = region;
        _model = model;
        _taint = new RawAddressTaint(sources, codeBlock, model);
    }

    /// <summary>Records what <paramref name="context"/>'s node does with the region's address into the method's facts.</summary>
    public void Record(SyntaxNodeAnalysisContext context, SelfDeadlockAnalyzer.MethodFacts facts, ConcurrentDictionary<IFieldSymbol, bool> fieldStores)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        switch (context.Node)
        {
            case AssignmentExpressionSyntax assignment:
                if (_model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is IFieldSymbol stored
                    && IsOwnField(stored)
                    && IsOwnAddress(_taint.SourceOf(assignment.Right, cancellationToken)))
                {
                    fieldStores.TryAdd(stored.OriginalDefinition, true);
                }

                return;

            case BaseObjectCreationExpressionSyntax creation:
                if (SpanPointer(creation, cancellationToken) is { } spanPointer)
                {
                    RecordPointer(creation, spanPointer, facts, cancellationToken);
                }

                return;

            case ExpressionSyntax expression:
                if (RawRegionAccessAnalyzer.DereferencedPointer(expression) is { } pointer
                    && !TakesAddress(expression)
                    && (expression is not ElementAccessExpressionSyntax
                        || _model.GetTypeInfo(pointer, cancellationToken).Type is IPointerTypeSymbol))
                {
                    RecordPointer(expression, _model.GetOperation(RawAddressTaint.Unparenthesize(pointer), cancellationToken), facts, cancellationToken);
                }

                return;
        }
    }

    private void RecordPointer(SyntaxNode sink, IOperation? pointer, SelfDeadlockAnalyzer.MethodFacts facts, CancellationToken cancellationToken)
    {
        if (IsOwnAddress(_taint.SourceOf(pointer, cancellationToken)))
        {
            facts.Touches.Enqueue((sink.GetLocation(), "BaseAddress"));
        }
        else if (FieldUnder(pointer) is { } field && IsOwnField(field))
        {
            facts.FieldDereferences.Enqueue((sink.GetLocation(), field.OriginalDefinition));
        }
    }

    /// <summary>The pointer argument of <c>new Span&lt;T&gt;(p, n)</c> / <c>new ReadOnlySpan&lt;T&gt;(p, n)</c>, else null.</summary>
    private IOperation? SpanPointer(BaseObjectCreationExpressionSyntax creation, CancellationToken cancellationToken)
    {
        IOperation? operation = _model.GetOperation(creation, cancellationToken);
        while (operation is IConversionOperation conversion && conversion.Operand.Syntax == creation)
        {
            operation = conversion.Operand;
        }

        if (operation is not IObjectCreationOperation { Constructor: { ContainingType: { } type } } created
            || type.ContainingNamespace?.ToDisplayString() != "System"
            || type.Name is not ("Span" or "ReadOnlySpan"))
        {
            return null;
        }

        foreach (IArgumentOperation argument in created.Arguments)
        {
            if (argument.Parameter?.Type is IPointerTypeSymbol)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The field a pointer is read from, through conversions and integer offsets: <c>_base</c> of <c>(_base + i)</c>.</summary>
    private static IFieldSymbol? FieldUnder(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } arithmetic:
                    operation = IsAddressType(arithmetic.LeftOperand.Type)
                        ? arithmetic.LeftOperand
                        : arithmetic.RightOperand;
                    break;
                case IFieldReferenceOperation field:
                    return field.Field;
                default:
                    return null;
            }
        }
    }

    private bool IsOwnAddress(RawAddressSource? source) =>
        source?.Region is { } region && SymbolEqualityComparer.Default.Equals(region.OriginalDefinition, _region);

    private bool IsOwnField(IFieldSymbol field) =>
        SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, _region)
        && IsAddressType(field.Type);

    /// <summary>What a cached address is kept in: a pointer, <c>nint</c>, <c>nuint</c>, <c>long</c>, <c>ulong</c>.</summary>
    private static bool IsAddressType(ITypeSymbol? type) =>
        type is IPointerTypeSymbol
        || type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr or SpecialType.System_Int64 or SpecialType.System_UInt64;

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
}
