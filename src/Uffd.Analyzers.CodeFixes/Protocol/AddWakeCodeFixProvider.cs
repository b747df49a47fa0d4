using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Uffd.Analyzers.CodeFixes.Protocol;

/// <summary>
/// UFFD0050: inserts <c>uffd.Wake(destination, length);</c> right after the statement that holds the DontWake call,
/// reusing the call's own receiver, destination/start and length argument text (for the span overload of Copy,
/// <c>source.Length</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWakeCodeFixProvider))]
[Shared]
public sealed class AddWakeCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "UFFD0050.AddWake";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DontWakeWithoutWake);

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
            InvocationExpressionSyntax? call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (call is null
                || WakeText(call, model, context.CancellationToken) is not { } wake
                || ContainingStatement(call) is not { } statement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add '{wake}' after the call",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(Insert(root, statement, wake))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>"receiver.Wake(start, length);" from the call's own expressions, or null for a shape we cannot rebuild.</summary>
    private static string? WakeText(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        if (call.Expression is not MemberAccessExpressionSyntax access
            || model.GetOperation(call, cancellationToken) is not IInvocationOperation operation)
        {
            return null;
        }

        string? start = ArgumentText(operation, "destination") ?? ArgumentText(operation, "start");
        string? length = ArgumentText(operation, "length");
        if (length is null && ArgumentExpression(operation, "source") is { } source)
        {
            // Copy(destination, ReadOnlySpan<byte> source, mode): the copy's length is the span's.
            length = (IsSimple(source) ? source.ToString() : "(" + source + ")") + ".Length";
        }

        return start is null || length is null ? null : $"{access.Expression}.Wake({start}, {length});";
    }

    private static string? ArgumentText(IInvocationOperation operation, string parameter) =>
        ArgumentExpression(operation, parameter)?.ToString();

    private static ExpressionSyntax? ArgumentExpression(IInvocationOperation operation, string parameter) =>
        operation.Arguments.FirstOrDefault(argument => argument.Parameter?.Name == parameter)?.Syntax is ArgumentSyntax argument
            ? argument.Expression
            : null;

    private static bool IsSimple(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or LiteralExpressionSyntax or ThisExpressionSyntax;

    /// <summary>The statement holding the call, unless a lambda or local function lies in between (the Wake would land outside it).</summary>
    private static StatementSyntax? ContainingStatement(SyntaxNode call)
    {
        for (SyntaxNode? node = call.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                    return null;
                case StatementSyntax statement:
                    return statement;
            }
        }

        return null;
    }

    private static SyntaxNode Insert(SyntaxNode root, StatementSyntax statement, string wakeText)
    {
        StatementSyntax wake = SyntaxFactory.ParseStatement(wakeText)
            .WithLeadingTrivia(Indentation(statement))
            .WithTrailingTrivia(LineEnd(statement));

        switch (statement.Parent)
        {
            case BlockSyntax block:
                return root.ReplaceNode(block, block.WithStatements(block.Statements.Insert(block.Statements.IndexOf(statement) + 1, wake)));
            case SwitchSectionSyntax section:
                return root.ReplaceNode(section, section.WithStatements(section.Statements.Insert(section.Statements.IndexOf(statement) + 1, wake)));
            default:
                // An embedded statement (if/else/loop body without braces): make it a block of both, braces at the
                // indentation of the statement that owns it.
                SyntaxTriviaList outer = statement.Parent?.FirstAncestorOrSelf<StatementSyntax>() is { } owner
                    ? Indentation(owner)
                    : SyntaxFactory.TriviaList();
                SyntaxTriviaList lineEnd = LineEnd(statement);
                BlockSyntax replacement = SyntaxFactory.Block(
                    SyntaxFactory.Token(outer, SyntaxKind.OpenBraceToken, lineEnd),
                    SyntaxFactory.List(new[] { statement, wake }),
                    SyntaxFactory.Token(outer, SyntaxKind.CloseBraceToken, lineEnd));
                return root.ReplaceNode(statement, replacement);
        }
    }

    /// <summary>The whitespace that starts the line on which <paramref name="node"/> starts.</summary>
    private static SyntaxTriviaList Indentation(SyntaxNode node)
    {
        SourceText text = node.SyntaxTree.GetText();
        TextLine line = text.Lines.GetLineFromPosition(node.SpanStart);
        int end = line.Start;
        while (end < line.End && (text[end] == ' ' || text[end] == '\t'))
        {
            end++;
        }

        return end == line.Start
            ? SyntaxFactory.TriviaList()
            : SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(text.ToString(TextSpan.FromBounds(line.Start, end))));
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

        return SyntaxFactory.TriviaList(SyntaxFactory.ElasticCarriageReturnLineFeed);
    }
}
