using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Uffd.Analyzers.RangeMath;

namespace Uffd.Analyzers.CodeFixes.RangeMath;

/// <summary>UFFD0042: rewrites <c>~pageSize</c> to <c>~(pageSize - 1)</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp), Shared]
public sealed class PageMaskCodeFix : CodeFixProvider
{
    private const string Title = "Mask with ~(pageSize - 1)";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.WrongPageMask);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not PrefixUnaryExpressionSyntax negation)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, token => Fix(context.Document, root, negation, token), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static Task<Document> Fix(Document document, SyntaxNode root, PrefixUnaryExpressionSyntax negation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(negation, PageMaskAnalyzer.FixedMask(negation))));
    }
}
