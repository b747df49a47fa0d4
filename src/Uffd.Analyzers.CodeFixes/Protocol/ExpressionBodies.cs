using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Uffd.Analyzers.CodeFixes.Protocol;

/// <summary>
/// Turns the expression body that holds a DontWake call (a lambda's, a method's, a local function's or an accessor's)
/// into a block of one statement, <c>return expression;</c> or <c>expression;</c> when nothing is returned, so that the
/// Wake has a place. Done as a text edit, so the expression keeps its text and the file its line endings.
/// </summary>
internal static class ExpressionBodies
{
    /// <summary>The expression body holding <paramref name="call"/> with no statement in between, or null.</summary>
    public static ExpressionSyntax? Holding(SyntaxNode call)
    {
        for (SyntaxNode? node = call.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case StatementSyntax:
                    return null;
                case LambdaExpressionSyntax { ExpressionBody: { } body }:
                    return body;
                case AnonymousFunctionExpressionSyntax:
                    return null;
                case ArrowExpressionClauseSyntax arrow
                    when arrow.Parent is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax:
                    return arrow.Expression;
                case ArrowExpressionClauseSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The text change that makes the body a block, and where <paramref name="call"/> then starts.</summary>
    public static (TextChange Change, int CallStart)? ToBlock(ExpressionSyntax body, SyntaxNode call, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode owner = body.Parent is ArrowExpressionClauseSyntax arrow ? arrow.Parent! : body.Parent!;
        IMethodSymbol? function = owner switch
        {
            AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol as IMethodSymbol,
            _ => model.GetDeclaredSymbol(owner, cancellationToken) as IMethodSymbol,
        };
        if (function is null)
        {
            return null;
        }

        SourceText text = body.SyntaxTree.GetText(cancellationToken);
        string newLine = LineEnds.Of(text);
        string indent = WakePlacement.IndentationText(text, owner.SpanStart);
        string unit = indent.Contains("\t") ? "\t" : "    ";
        string prefix = ReturnsNothing(function) ? "" : "return ";
        string head = newLine + indent + "{" + newLine + indent + unit + prefix;
        string block = head + body + ";" + newLine + indent + "}";

        // Replace from the end of what precedes the body (the lambda's '=>', or the member's header before its '=>')
        // to the end of the body (a lambda) or of its ';' (a member).
        TextSpan span = owner switch
        {
            LambdaExpressionSyntax lambda => TextSpan.FromBounds(lambda.ArrowToken.Span.End, body.Span.End),
            _ => TextSpan.FromBounds(
                ((ArrowExpressionClauseSyntax)body.Parent!).GetFirstToken().GetPreviousToken().Span.End,
                Semicolon(owner).Span.End),
        };
        return (new TextChange(span, block), span.Start + head.Length + (call.SpanStart - body.SpanStart));
    }

    /// <summary>void, or an async Task / ValueTask without a result.</summary>
    private static bool ReturnsNothing(IMethodSymbol function) =>
        function.ReturnsVoid
        || (function.IsAsync && function.ReturnType is INamedTypeSymbol { Arity: 0, Name: "Task" or "ValueTask" });

    private static SyntaxToken Semicolon(SyntaxNode owner) => owner switch
    {
        BaseMethodDeclarationSyntax method => method.SemicolonToken,
        LocalFunctionStatementSyntax local => local.SemicolonToken,
        AccessorDeclarationSyntax accessor => accessor.SemicolonToken,
        _ => default,
    };
}
