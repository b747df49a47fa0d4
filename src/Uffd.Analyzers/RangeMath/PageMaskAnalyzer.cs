using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0042: <c>x &amp; ~pageSize</c> clears the one bit of the page size instead of the offset within the page; the mask
/// is <c>~(pageSize - 1)</c>. A page size is a value that means one (through locals and readonly fields), the literal
/// 4096, a named constant of 4096 masking an address or offset, or a symbol named like <c>pageSize</c>.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class PageMaskAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.WrongPageMask);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeBinary, OperationKind.Binary);
        context.RegisterOperationAction(AnalyzeCompound, OperationKind.CompoundAssignment);
    }

    private static void AnalyzeBinary(OperationAnalysisContext context)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (binary.OperatorKind == BinaryOperatorKind.And)
        {
            Check(context, binary.LeftOperand, binary.RightOperand);
            Check(context, binary.RightOperand, binary.LeftOperand);
        }
    }

    private static void AnalyzeCompound(OperationAnalysisContext context)
    {
        var compound = (ICompoundAssignmentOperation)context.Operation;
        if (compound.OperatorKind == BinaryOperatorKind.And)
        {
            Check(context, compound.Value, compound.Target);
        }
    }

    private static void Check(OperationAnalysisContext context, IOperation operand, IOperation other)
    {
        operand = Conversions.Skip(operand);
        if (operand is not IUnaryOperation { OperatorKind: UnaryOperatorKind.BitwiseNegation } negation
            || negation.Syntax is not PrefixUnaryExpressionSyntax negationSyntax
            || !IsPageSize(Conversions.Skip(negation.Operand), other))
        {
            return;
        }

        ExpressionSyntax fixedMask = FixedMask(negationSyntax);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.WrongPageMask, negationSyntax.GetLocation(), negationSyntax.ToString(), fixedMask.ToString()));
    }

    /// <summary><c>~X</c> becomes <c>~(X - 1)</c>; shared with the code fix so the message shows what the fix writes.</summary>
    internal static ExpressionSyntax FixedMask(PrefixUnaryExpressionSyntax negation)
    {
        ExpressionSyntax operand = negation.Operand.WithoutTrivia();
        if (operand is ParenthesizedExpressionSyntax { Expression: var inner } && IsTight(inner))
        {
            operand = inner.WithoutTrivia();
        }

        BinaryExpressionSyntax minusOne = SyntaxFactory.BinaryExpression(
            SyntaxKind.SubtractExpression,
            operand,
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1)));
        return SyntaxFactory.PrefixUnaryExpression(SyntaxKind.BitwiseNotExpression, SyntaxFactory.ParenthesizedExpression(minusOne))
            .NormalizeWhitespace()
            .WithTriviaFrom(negation);
    }

    /// <summary>Expressions that bind at least as tightly as subtraction's left operand needs.</summary>
    private static bool IsTight(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or LiteralExpressionSyntax or CastExpressionSyntax
            or InvocationExpressionSyntax or ParenthesizedExpressionSyntax
        || expression.IsKind(SyntaxKind.AddExpression) || expression.IsKind(SyntaxKind.SubtractExpression)
        || expression.IsKind(SyntaxKind.MultiplyExpression) || expression.IsKind(SyntaxKind.DivideExpression);

    /// <summary>
    /// A page size: a value that means one (<c>Environment.SystemPageSize</c>, a region's or mapping's <c>PageSize</c>,
    /// a local or readonly field holding one: <see cref="ValueFlow"/>); the literal 4096; a named constant of 4096 only
    /// when the other operand is an address or byte offset (<c>O_DSYNC</c> is 0x1000 too); a symbol named like a page
    /// size (a parameter <c>pageSize</c> tells nothing else). Enums are flags, never page sizes.
    /// </summary>
    private static bool IsPageSize(IOperation operation, IOperation other)
    {
        if (operation.Type is { TypeKind: TypeKind.Enum })
        {
            return false;
        }

        if (PageSizeConstants.IsPageSize(operation))
        {
            return IsSpelledNumber(operation)
                || ValueMeanings.MeaningOf(other) is ValueMeaning.Address or ValueMeaning.ByteOffset;
        }

        if (operation.ConstantValue.HasValue)
        {
            return false;
        }

        if (ValueMeanings.MeaningOf(operation) == ValueMeaning.PageSize
            || (operation is IParameterReferenceOperation passed && ValueMeanings.ReceivesPageSize(passed)))
        {
            return true;
        }

        string? name = operation switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation property => property.Property.Name,
            IInvocationOperation invocation => invocation.TargetMethod.Name,
            _ => null,
        };
        // pageSizeMask / pageSizeShift / pageSizeBits already are something else than the size.
        return name is not null
            && name.IndexOf("pagesize", StringComparison.OrdinalIgnoreCase) >= 0
            && name.IndexOf("mask", StringComparison.OrdinalIgnoreCase) < 0
            && name.IndexOf("shift", StringComparison.OrdinalIgnoreCase) < 0
            && name.IndexOf("bits", StringComparison.OrdinalIgnoreCase) < 0;
    }

    /// <summary>4096 written as a number (<c>4096</c>, <c>0x1000</c>, <c>4 * 1024</c>), not through a name.</summary>
    private static bool IsSpelledNumber(IOperation operation) => operation switch
    {
        ILiteralOperation => true,
        IBinaryOperation binary => IsSpelledNumber(Conversions.Skip(binary.LeftOperand)) && IsSpelledNumber(Conversions.Skip(binary.RightOperand)),
        _ => false,
    };
}
