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
/// is <c>~(pageSize - 1)</c>. A page size is the constant 4096, or a value whose symbol is named like <c>pageSize</c>
/// (<c>Environment.SystemPageSize</c>, <c>memory.PageSize</c>, a region's <c>PageSize</c>, a local <c>pageSize</c>).
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
            Check(context, binary.LeftOperand);
            Check(context, binary.RightOperand);
        }
    }

    private static void AnalyzeCompound(OperationAnalysisContext context)
    {
        var compound = (ICompoundAssignmentOperation)context.Operation;
        if (compound.OperatorKind == BinaryOperatorKind.And)
        {
            Check(context, compound.Value);
        }
    }

    private static void Check(OperationAnalysisContext context, IOperation operand)
    {
        operand = SkipConversions(operand);
        if (operand is not IUnaryOperation { OperatorKind: UnaryOperatorKind.BitwiseNegation } negation
            || negation.Syntax is not PrefixUnaryExpressionSyntax negationSyntax
            || !IsPageSize(SkipConversions(negation.Operand)))
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

    private static bool IsPageSize(IOperation operation)
    {
        if (operation.ConstantValue is { HasValue: true, Value: { } constant } && IsInteger(constant))
        {
            return Convert.ToDecimal(constant, System.Globalization.CultureInfo.InvariantCulture) == 4096m;
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

    private static bool IsInteger(object value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong;

    private static IOperation SkipConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
