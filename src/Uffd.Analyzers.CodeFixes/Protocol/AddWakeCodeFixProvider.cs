using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Uffd.Analyzers.CodeFixes.Protocol;

/// <summary>
/// UFFD0050: adds <c>uffd.Wake(destination, length);</c> right after the DontWake call completes, so that it runs on
/// every path after the call and never after a <c>return</c> (see <see cref="WakePlacement"/>). Arguments with side
/// effects are evaluated once into locals (<see cref="WakePlan"/>); an expression body becomes a block first
/// (<see cref="ExpressionBodies"/>). Shapes it cannot rewrite without changing what the code does get no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWakeCodeFixProvider))]
[Shared]
public sealed class AddWakeCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "UFFD0050.AddWake";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DontWakeWithoutWake);

    /// <inheritdoc />
    /// <remarks>
    /// Fixes are applied one after the other in document order, as one fix at a time would: each then sees the locals
    /// the others added (two hoisted 'destination' locals in one method would not compile). The calls still to fix are
    /// moved by the text each fix inserted before them; one whose text a fix touched is left.
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (fixAllContext, document, diagnostics) =>
    {
        var pending = diagnostics.Select(d => d.Location.SourceSpan).OrderBy(span => span.Start).ToList();
        for (int i = 0; i < pending.Count; i++)
        {
            CancellationToken cancellationToken = fixAllContext.CancellationToken;
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || pending[i].IsEmpty || FindCall(root, pending[i]) is not { } call || !CanPlace(call))
            {
                continue;
            }

            Document fixedDocument = await AddWakeAsync(document, call.Span, cancellationToken).ConfigureAwait(false);
            var changes = (await fixedDocument.GetTextChangesAsync(document, cancellationToken).ConfigureAwait(false)).ToList();
            for (int j = i + 1; j < pending.Count; j++)
            {
                pending[j] = Moved(pending[j], changes);
            }

            document = fixedDocument;
        }

        return document;
    });

    /// <summary>Where <paramref name="span"/> is after <paramref name="changes"/>; an empty span at 0 when a change overlaps it.</summary>
    private static TextSpan Moved(TextSpan span, IReadOnlyList<TextChange> changes)
    {
        int shift = 0;
        foreach (TextChange change in changes)
        {
            if (change.Span.End <= span.Start)
            {
                shift += (change.NewText?.Length ?? 0) - change.Span.Length;
            }
            else if (change.Span.Start < span.End)
            {
                return default;
            }
        }

        return new TextSpan(span.Start + shift, span.Length);
    }

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
            if (FindCall(root, diagnostic.Location.SourceSpan) is not { } call
                || WakePlan.For(call, model, context.CancellationToken) is not { } plan
                || !CanPlace(call))
            {
                continue;
            }

            TextSpan span = call.Span;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add '{plan.WakeText(new Dictionary<ExpressionSyntax, string>())}' after the call",
                    cancellationToken => AddWakeAsync(context.Document, span, cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>Whether the call sits where a Wake can follow it: a statement that allows it, or an expression body.</summary>
    private static bool CanPlace(InvocationExpressionSyntax call)
    {
        if (WakePlacement.ContainingStatement(call) is { } statement)
        {
            return WakePlacement.IsWholeStatement(statement, call) || WakePlacement.CanHoistCall(statement, call);
        }

        // After the conversion the body is 'return body;' or 'body;': the call must come first in it.
        return ExpressionBodies.Holding(call) is { } body && WakePlacement.EvaluatedFirst(call, body);
    }

    private static async Task<Document> AddWakeAsync(Document document, TextSpan callSpan, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null || FindCall(root, callSpan) is not { } call || WakePlan.For(call, model, cancellationToken) is not { } plan)
            {
                return document;
            }

            if (WakePlacement.ContainingStatement(call) is { } statement)
            {
                var taken = new HashSet<string>(
                    (call.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? root).DescendantTokens().Select(token => token.ValueText));
                var locals = new Dictionary<ExpressionSyntax, string>();
                foreach ((ExpressionSyntax expression, string parameter) in plan.Hoisted)
                {
                    locals[expression] = WakePlacement.FreshName(parameter, taken);
                }

                string result = WakePlacement.FreshName("result", taken);
                return document.WithSyntaxRoot(WakePlacement.Rewrite(root, statement, plan, result, locals));
            }

            if (ExpressionBodies.Holding(call) is not { } body
                || ExpressionBodies.ToBlock(body, call, model, cancellationToken) is not { } conversion)
            {
                return document;
            }

            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            document = document.WithText(text.WithChanges(conversion.Change));
            callSpan = new TextSpan(conversion.CallStart, callSpan.Length);
        }

        return document;
    }

    private static InvocationExpressionSyntax? FindCall(SyntaxNode root, TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
}
