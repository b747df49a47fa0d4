using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0041 from where a value is used: an argument whose parameter is a byte range, a page count or a page size
/// (<see cref="RangeParameters"/>, or a same-file helper's parameter passed straight to one) is followed back through
/// arithmetic, locals written once, conditionals and a same-file helper's returned expression, and the 4096 in it is
/// judged by the parameter's role and its place in the arithmetic.
/// </summary>
internal static class PageSizeSinks
{
    private const int MaxDepth = 8;

    public static void Analyze(OperationAnalysisContext context, PageSizeReporter reporter)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.Parameter is not { } parameter || argument.ArgumentKind != ArgumentKind.Explicit)
        {
            return;
        }

        RangeRole role = RangeParameters.RoleOf(parameter);
        if (role == RangeRole.None)
        {
            role = HelperParameterRole(argument, parameter);
        }

        if (role != RangeRole.None)
        {
            Walk(context, reporter, argument.Value, role, depth: 0, helperFollowed: false);
        }
    }

    private static void Walk(OperationAnalysisContext context, PageSizeReporter reporter, IOperation value, RangeRole role, int depth, bool helperFollowed)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        IOperation operation = ValueFlow.SkipConversions(value);
        if (PageSizeConstants.IsPageSize(operation))
        {
            // Bare: a page size where the parameter is a paged range or the page size itself; a byte offset of 4096
            // (Read(4096, ...)) may be a record, and 4096 pages is a count.
            if (role is RangeRole.KernelRange or RangeRole.PagedBytes or RangeRole.PageSize)
            {
                reporter.Report(context, operation, PageSizeSpelling.Size);
            }

            return;
        }

        switch (operation)
        {
            case ILocalReferenceOperation local when ValueFlow.SingleValue(local) is { } single:
                Walk(context, reporter, single, role, depth + 1, helperFollowed);
                break;
            case IConditionalOperation conditional:
                Walk(context, reporter, conditional.WhenTrue, role, depth + 1, helperFollowed);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    Walk(context, reporter, whenFalse, role, depth + 1, helperFollowed);
                }

                break;
            case IInvocationOperation invocation when !helperFollowed && ReturnedExpression(invocation) is { } returned:
                Walk(context, reporter, returned, role, depth + 1, helperFollowed: true);
                break;
            case IBinaryOperation binary:
                WalkBinary(context, reporter, binary, role, depth, helperFollowed);
                break;
        }
    }

    private static void WalkBinary(OperationAnalysisContext context, PageSizeReporter reporter, IBinaryOperation binary, RangeRole role, int depth, bool helperFollowed)
    {
        IOperation left = binary.LeftOperand, right = binary.RightOperand;
        bool bytes = role is RangeRole.KernelRange or RangeRole.PagedBytes or RangeRole.Bytes;
        switch (binary.OperatorKind)
        {
            case BinaryOperatorKind.Multiply:
                // index * 4096 is a byte offset; 4096 * PageSize is 4096 pages in bytes: there 4096 is a count.
                WalkFactor(left, right);
                WalkFactor(right, left);
                break;
            case BinaryOperatorKind.Divide when role == RangeRole.Pages && PageSizeConstants.IsPageSize(right):
                reporter.Report(context, right, PageSizeSpelling.Size);
                Walk(context, reporter, left, role, depth + 1, helperFollowed);
                break;
            case BinaryOperatorKind.Add or BinaryOperatorKind.Subtract:
                WalkTerm(left);
                WalkTerm(right);
                break;
            case BinaryOperatorKind.LeftShift when bytes && PageSizeConstants.IsPageShift(right):
            case BinaryOperatorKind.RightShift when role == RangeRole.Pages && PageSizeConstants.IsPageShift(right):
                reporter.Report(context, binary, binary.OperatorKind == BinaryOperatorKind.LeftShift ? PageSizeSpelling.ShiftLeft : PageSizeSpelling.ShiftRight);
                break;
        }

        void WalkFactor(IOperation factor, IOperation other)
        {
            if (!PageSizeConstants.IsPageSize(factor))
            {
                Walk(context, reporter, factor, role, depth + 1, helperFollowed);
            }
            else if (bytes && !PageSizeConstants.IsPageSize(other) && ValueFlow.MeaningOf(other) != ValueMeaning.PageSize)
            {
                reporter.Report(context, factor, PageSizeSpelling.Size);
            }
        }

        void WalkTerm(IOperation term)
        {
            // A term of a sum has the sum's role: 4096 added to a paged range is a page (Walk judges the bare constant by
            // the role: in a byte offset it stays quiet), index * 4096 added to anything is an offset.
            Walk(context, reporter, term, role, depth + 1, helperFollowed);
        }
    }

    /// <summary>The expression a same-file method returns (expression body or a lone return), for one level of helpers.</summary>
    private static IOperation? ReturnedExpression(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (invocation.SemanticModel is not { } model || method.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        SyntaxReference reference = method.DeclaringSyntaxReferences[0];
        if (reference.SyntaxTree != model.SyntaxTree || reference.GetSyntax() is not MethodDeclarationSyntax declaration)
        {
            return null;
        }

        ExpressionSyntax? returned = declaration.ExpressionBody?.Expression
            ?? (declaration.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax { Expression: { } expression } ? expression : null);
        return returned is null ? null : model.GetOperation(returned);
    }

    /// <summary>
    /// One level of helpers: the role of the table parameter that a same-file method passes its own parameter to,
    /// unchanged (<c>void Load(long offset) =&gt; Read(offset, buffer)</c> makes <c>offset</c> a byte offset).
    /// </summary>
    private static RangeRole HelperParameterRole(IArgumentOperation argument, IParameterSymbol parameter)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method || argument.SemanticModel is not { } model
            || method.DeclaringSyntaxReferences.Length != 1 || !RangeParameters.IsNumeric(parameter.Type))
        {
            return RangeRole.None;
        }

        SyntaxReference reference = method.DeclaringSyntaxReferences[0];
        if (reference.SyntaxTree != model.SyntaxTree || reference.GetSyntax() is not MethodDeclarationSyntax declaration
            || model.GetOperation(declaration) is not { } body)
        {
            return RangeRole.None;
        }

        foreach (IOperation operation in body.Descendants())
        {
            if (operation is IArgumentOperation { Parameter: { } inner } use
                && ValueFlow.SkipConversions(use.Value) is IParameterReferenceOperation passed
                && SymbolEqualityComparer.Default.Equals(passed.Parameter, parameter)
                && RangeParameters.RoleOf(inner) is var role and not RangeRole.None)
            {
                return role;
            }
        }

        return RangeRole.None;
    }
}
