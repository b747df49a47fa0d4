using System;
using System.Linq;
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

    public static void Analyze(OperationBlockAnalysisContext context, PageSizeReporter reporter)
    {
        foreach (IOperation block in context.OperationBlocks)
        {
            foreach (IOperation operation in block.DescendantsAndSelf())
            {
                if (operation is not IArgumentOperation { Parameter: { } parameter, ArgumentKind: ArgumentKind.Explicit } argument)
                {
                    continue;
                }

                RangeRole role = RangeParameters.RoleOf(parameter);
                if (role == RangeRole.None)
                {
                    role = HelperParameterRole(argument, parameter);
                }

                if (role != RangeRole.None)
                {
                    Walk(context.ReportDiagnostic, reporter, argument.Value, role, depth: 0, helper: null);
                }
            }
        }
    }

    private static void Walk(Action<Diagnostic> report, PageSizeReporter reporter, IOperation value, RangeRole role, int depth, IInvocationOperation? helper)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        IOperation operation = Conversions.Skip(value);
        if (PageSizeConstants.IsPageSize(operation))
        {
            // Bare: a page size where the parameter is a paged range or the page size itself; a byte offset of 4096
            // (Read(4096, ...)) may be a record, and 4096 pages is a count.
            if (role is RangeRole.KernelRange or RangeRole.PagedBytes or RangeRole.PageSize)
            {
                Report(report, reporter, operation, PageSizeSpelling.Size, helper);
            }

            return;
        }

        switch (operation)
        {
            case ILocalReferenceOperation local when ValueFlow.SingleValue(local) is { } single:
                Walk(report, reporter, single, role, depth + 1, helper);
                break;
            case ILocalReferenceOperation local when depth < 2:
                // A local written several times (a loop cursor) moves by its steps: offset += 2 * 4096 steps pages.
                foreach (IOperation step in ValueFlow.Steps(local))
                {
                    Walk(report, reporter, step, role, depth + 1, helper);
                }

                break;
            case IConditionalOperation conditional:
                Walk(report, reporter, conditional.WhenTrue, role, depth + 1, helper);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    Walk(report, reporter, whenFalse, role, depth + 1, helper);
                }

                break;
            case IInvocationOperation invocation when helper is null && ReturnedExpression(invocation) is { } returned:
                Walk(report, reporter, returned, role, depth + 1, helper: invocation);
                break;
            case IBinaryOperation binary:
                WalkBinary(report, reporter, binary, role, depth, helper);
                break;
        }
    }

    private static void WalkBinary(Action<Diagnostic> report, PageSizeReporter reporter, IBinaryOperation binary, RangeRole role, int depth, IInvocationOperation? helper)
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
                Report(report, reporter, right, PageSizeSpelling.Size, helper);
                Walk(report, reporter, left, role, depth + 1, helper);
                break;
            case BinaryOperatorKind.Add or BinaryOperatorKind.Subtract:
                WalkTerm(left);
                WalkTerm(right);
                break;
            case BinaryOperatorKind.LeftShift when bytes && PageSizeConstants.IsPageShift(right):
            case BinaryOperatorKind.RightShift when role == RangeRole.Pages && PageSizeConstants.IsPageShift(right):
                Report(report, reporter, binary, binary.OperatorKind == BinaryOperatorKind.LeftShift ? PageSizeSpelling.ShiftLeft : PageSizeSpelling.ShiftRight, helper);
                break;
        }

        void WalkFactor(IOperation factor, IOperation other)
        {
            if (!PageSizeConstants.IsPageSize(factor))
            {
                Walk(report, reporter, factor, role, depth + 1, helper);
            }
            else if (bytes && !PageSizeConstants.IsPageSize(other) && ValueMeanings.MeaningOf(other) != ValueMeaning.PageSize)
            {
                Report(report, reporter, factor, PageSizeSpelling.Size, helper);
            }
        }

        void WalkTerm(IOperation term)
        {
            // A term of a sum has the sum's role: 4096 added to a paged range is a page (Walk judges the bare constant by
            // the role: in a byte offset it stays quiet), index * 4096 added to anything is an offset.
            Walk(report, reporter, term, role, depth + 1, helper);
        }
    }

    private static void Report(
        Action<Diagnostic> report, PageSizeReporter reporter, IOperation operation, PageSizeSpelling spelling, IInvocationOperation? helper)
    {
        // A local function lies inside the member analyzed: its constant is reported (and fixed) where it is written.
        if (helper is null || helper.TargetMethod.MethodKind == MethodKind.LocalFunction)
        {
            reporter.Report(report, operation, spelling);
        }
        else
        {
            reporter.ReportInHelper(report, helper, operation);
        }
    }

    /// <summary>The expression a same-file method or local function returns (expression body or a lone return).</summary>
    private static IOperation? ReturnedExpression(IInvocationOperation invocation)
    {
        if (invocation.SemanticModel is not { } model || DeclarationInFile(invocation.TargetMethod, model) is not { } declaration)
        {
            return null;
        }

        (ArrowExpressionClauseSyntax? arrow, BlockSyntax? block) = Bodies(declaration);
        ExpressionSyntax? returned = arrow?.Expression
            ?? (block is { Statements.Count: 1 } && block.Statements[0] is ReturnStatementSyntax { Expression: { } expression } ? expression : null);
        return returned is null ? null : model.GetOperation(returned);
    }

    /// <summary>The declaration of a method or local function declared once, in the file being analyzed.</summary>
    private static SyntaxNode? DeclarationInFile(IMethodSymbol method, SemanticModel model)
    {
        SyntaxNode? syntax = SameFileHelpers.DeclarationsIn(method, model).FirstOrDefault();
        return syntax is MethodDeclarationSyntax or LocalFunctionStatementSyntax ? syntax : null;
    }

    private static (ArrowExpressionClauseSyntax? Arrow, BlockSyntax? Block) Bodies(SyntaxNode declaration) => declaration switch
    {
        MethodDeclarationSyntax method => (method.ExpressionBody, method.Body),
        LocalFunctionStatementSyntax local => (local.ExpressionBody, local.Body),
        _ => (null, null),
    };

    /// <summary>
    /// One level of helpers: the role of the table parameter that a same-file method passes its own parameter to,
    /// unchanged (<c>void Load(long offset) =&gt; Read(offset, buffer)</c> makes <c>offset</c> a byte offset).
    /// </summary>
    private static RangeRole HelperParameterRole(IArgumentOperation argument, IParameterSymbol parameter)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method || argument.SemanticModel is not { } model
            || !RangeParameters.IsNumeric(parameter.Type) || DeclarationInFile(method, model) is not { } declaration)
        {
            return RangeRole.None;
        }

        (ArrowExpressionClauseSyntax? arrow, BlockSyntax? block) = Bodies(declaration);
        SyntaxNode? bodySyntax = (SyntaxNode?)arrow?.Expression ?? block;
        if (bodySyntax is null || model.GetOperation(bodySyntax) is not { } body)
        {
            return RangeRole.None;
        }

        foreach (IOperation operation in body.DescendantsAndSelf())
        {
            if (operation is IArgumentOperation { Parameter: { } inner } use
                && Conversions.Skip(use.Value) is IParameterReferenceOperation passed
                && SymbolEqualityComparer.Default.Equals(passed.Parameter, parameter)
                && RangeParameters.RoleOf(inner) is var role and not RangeRole.None)
            {
                return role;
            }
        }

        return RangeRole.None;
    }
}
