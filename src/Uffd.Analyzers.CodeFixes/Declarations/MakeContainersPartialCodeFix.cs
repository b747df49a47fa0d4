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
using Microsoft.CodeAnalysis.Editing;

namespace Uffd.Analyzers.CodeFixes;

/// <summary>
/// UFFD0002: adds <c>partial</c> to every non-partial type containing the region. A non-partial type has one
/// declaration, which encloses the region's, so all of them are ancestors in this document.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeContainersPartialCodeFix))]
[Shared]
public sealed class MakeContainersPartialCodeFix : CodeFixProvider
{
    private const string Title = "Make the containing types partial";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ContainingTypeNotPartial);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        TypeDeclarationSyntax? region = root?.FindNode(context.Span).FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (region is null)
        {
            return;
        }

        List<TypeDeclarationSyntax> containers = region.Ancestors().OfType<TypeDeclarationSyntax>().Where(PartialModifier.CanAdd).ToList();
        if (containers.Count == 0)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, token => FixAsync(context.Document, containers, token), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, List<TypeDeclarationSyntax> containers, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (TypeDeclarationSyntax container in containers)
        {
            PartialModifier.Add(editor, container);
        }

        return editor.GetChangedDocument();
    }
}
