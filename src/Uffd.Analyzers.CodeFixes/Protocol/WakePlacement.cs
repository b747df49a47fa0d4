using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Uffd.Analyzers.CodeFixes.Protocol;

/// <summary>
/// Where the Wake goes so that it runs on every path after the DontWake call and never after a jump: right after the
/// call completes. When the call is the whole statement (<c>_ = uffd.Copy(...);</c>, <c>var r = uffd.Copy(...);</c>), the Wake
/// follows the statement. Otherwise (<c>return uffd.Copy(...);</c>, <c>if (uffd.Copy(...).IsDone)</c>) the call is first stored
/// in a local, the Wake follows that, and the statement uses the local; this is only done where the call is the first
/// thing the statement evaluates, so nothing runs in a different order.
/// </summary>
internal static class WakePlacement
{
    /// <summary>The statement holding the call, unless a lambda or local function lies in between.</summary>
    public static StatementSyntax? ContainingStatement(SyntaxNode call)
    {
        for (SyntaxNode? node = call.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                case ArrowExpressionClauseSyntax:
                    return null;
                case StatementSyntax statement:
                    return statement;
            }
        }

        return null;
    }

    /// <summary>True when the statement is the call alone: a call, a discard or local assignment of it, or a declaration of it.</summary>
    public static bool IsWholeStatement(StatementSyntax statement, SyntaxNode call) => statement switch
    {
        ExpressionStatementSyntax { Expression: var expression } => Unwrap(expression) == call
            || (Unwrap(expression) is AssignmentExpressionSyntax { Left: IdentifierNameSyntax, Right: var right } assignment
                && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && Unwrap(right) == call),
        LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } declaration
            => declaration.UsingKeyword == default && Unwrap(variables[0].Initializer?.Value) == call,
        _ => false,
    };

    /// <summary>True when storing the call in a local before the statement keeps the statement's meaning.</summary>
    public static bool CanHoistCall(StatementSyntax statement, SyntaxNode call)
    {
        SyntaxNode? top = statement switch
        {
            IfStatementSyntax s => s.Condition,
            ReturnStatementSyntax s => s.Expression,
            SwitchStatementSyntax s => s.Expression,
            ExpressionStatementSyntax s => s.Expression,
            LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } s => s.Declaration.Variables.FirstOrDefault()?.Initializer?.Value,
            _ => null,
        };
        return top is not null && EvaluatedFirst(call, top);
    }

    /// <summary>Whether <paramref name="node"/> is the first thing <paramref name="top"/> evaluates, and always.</summary>
    public static bool EvaluatedFirst(SyntaxNode node, SyntaxNode top)
    {
        while (node != top)
        {
            SyntaxNode? parent = node.Parent;
            bool first = parent switch
            {
                ParenthesizedExpressionSyntax or CastExpressionSyntax => true,
                PostfixUnaryExpressionSyntax p => p.IsKind(SyntaxKind.SuppressNullableWarningExpression),
                MemberAccessExpressionSyntax m => m.Expression == node,
                InvocationExpressionSyntax i => i.Expression == node,
                BinaryExpressionSyntax b => b.Left == node,
                IsPatternExpressionSyntax p => p.Expression == node,
                SwitchExpressionSyntax s => s.GoverningExpression == node,
                AssignmentExpressionSyntax a => a.Right == node && a.Left is IdentifierNameSyntax,
                ArgumentSyntax a => a.Parent is ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } list
                    && list.Arguments.FirstOrDefault() == a
                    && WakePlan.IsPure(invocation.Expression),
                ArgumentListSyntax => true,
                _ => false,
            };
            if (!first || parent is null)
            {
                return false;
            }

            node = parent;
        }

        return true;
    }

    /// <summary>The statements <paramref name="statement"/> becomes: the hoisted locals, the statement, the Wake.</summary>
    public static SyntaxNode Rewrite(SyntaxNode root, StatementSyntax statement, WakePlan plan, string resultName, IReadOnlyDictionary<ExpressionSyntax, string> locals)
    {
        bool whole = IsWholeStatement(statement, plan.Call);
        SyntaxTriviaList indentation = Indentation(statement);
        SyntaxTriviaList lineEnd = LineEnd(statement);
        StatementSyntax Line(string text) => SyntaxFactory.ParseStatement(text).WithLeadingTrivia(indentation).WithTrailingTrivia(lineEnd);

        var before = new List<StatementSyntax>();
        foreach ((ExpressionSyntax expression, _) in plan.Hoisted)
        {
            before.Add(Line($"var {locals[expression]} = {expression};"));
        }

        // The call with its hoisted arguments replaced by their locals.
        InvocationExpressionSyntax call = plan.Call.ReplaceNodes(
            plan.Hoisted.Select(h => h.Expression),
            (original, _) => SyntaxFactory.IdentifierName(locals[(ExpressionSyntax)original]).WithTriviaFrom(original));
        var after = new List<StatementSyntax>();
        StatementSyntax rewritten;
        if (whole)
        {
            rewritten = statement.ReplaceNode(plan.Call, call);
            after.Add(Line(plan.WakeText(locals)));
        }
        else
        {
            before.Add(Line($"var {resultName} = {call.WithoutTrivia()};"));
            before.Add(Line(plan.WakeText(locals)));
            rewritten = statement.ReplaceNode(plan.Call, SyntaxFactory.IdentifierName(resultName).WithTriviaFrom(plan.Call));
        }

        IEnumerable<StatementSyntax> all = before.Append(rewritten).Concat(after);
        switch (statement.Parent)
        {
            case BlockSyntax block:
                return root.ReplaceNode(block, block.WithStatements(Splice(block.Statements, statement, all)));
            case SwitchSectionSyntax section:
                return root.ReplaceNode(section, section.WithStatements(Splice(section.Statements, statement, all)));
            default:
                // An embedded statement (if/else/loop body without braces): a block of them, braces at the owner's indentation.
                SyntaxTriviaList outer = statement.Parent?.FirstAncestorOrSelf<StatementSyntax>() is { } owner
                    ? Indentation(owner)
                    : SyntaxFactory.TriviaList();
                BlockSyntax replacement = SyntaxFactory.Block(
                    SyntaxFactory.Token(outer, SyntaxKind.OpenBraceToken, lineEnd),
                    SyntaxFactory.List(all),
                    SyntaxFactory.Token(outer, SyntaxKind.CloseBraceToken, lineEnd));
                return root.ReplaceNode(statement, replacement);
        }
    }

    /// <summary>A name no identifier of the member uses yet: <paramref name="name"/>, then name2, name3, ...</summary>
    public static string FreshName(string name, ISet<string> taken)
    {
        string candidate = name;
        for (int i = 2; taken.Contains(candidate) || SyntaxFacts.GetKeywordKind(candidate) != SyntaxKind.None; i++)
        {
            candidate = name + i;
        }

        taken.Add(candidate);
        return candidate;
    }

    private static SyntaxList<StatementSyntax> Splice(SyntaxList<StatementSyntax> statements, StatementSyntax statement, IEnumerable<StatementSyntax> replacement)
    {
        int index = statements.IndexOf(statement);
        return SyntaxFactory.List(statements.Take(index).Concat(replacement).Concat(statements.Skip(index + 1)));
    }

    private static SyntaxNode? Unwrap(SyntaxNode? node)
    {
        while (node is ParenthesizedExpressionSyntax or CastExpressionSyntax
               || (node is PostfixUnaryExpressionSyntax postfix && postfix.IsKind(SyntaxKind.SuppressNullableWarningExpression)))
        {
            node = node switch
            {
                ParenthesizedExpressionSyntax p => p.Expression,
                CastExpressionSyntax c => c.Expression,
                PostfixUnaryExpressionSyntax p => p.Operand,
                _ => node,
            };
        }

        return node;
    }

    /// <summary>The whitespace that starts the line on which <paramref name="node"/> starts.</summary>
    public static SyntaxTriviaList Indentation(SyntaxNode node)
    {
        SourceText text = node.SyntaxTree.GetText();
        string whitespace = IndentationText(text, node.SpanStart);
        return whitespace.Length == 0 ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(whitespace));
    }

    public static string IndentationText(SourceText text, int position)
    {
        TextLine line = text.Lines.GetLineFromPosition(position);
        int end = line.Start;
        while (end < line.End && (text[end] == ' ' || text[end] == '\t'))
        {
            end++;
        }

        return text.ToString(TextSpan.FromBounds(line.Start, end));
    }

    /// <summary>The end of line the statement ends with (so the file keeps its line endings).</summary>
    private static SyntaxTriviaList LineEnd(StatementSyntax statement)
    {
        foreach (SyntaxTrivia trivia in statement.GetTrailingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return SyntaxFactory.TriviaList(trivia);
            }
        }

        return SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(LineEnds.Of(statement.SyntaxTree.GetText())));
    }
}

/// <summary>The line ending a file uses: CRLF when its first line ends so, else LF.</summary>
internal static class LineEnds
{
    public static string Of(SourceText text) =>
        text.Lines.Count > 1 && text.Lines[0].EndIncludingLineBreak - text.Lines[0].End == 2 ? "\r\n" : "\n";
}
