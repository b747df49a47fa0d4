using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Uffd.Analyzers.CodeFixes;

/// <summary>
/// UFFD0010: adds a <c>[PageProvider]</c> stub that throws <see cref="System.NotImplementedException"/>. Names are
/// written fully qualified and simplified afterwards, so the stub compiles with or without <c>using System; using Uffd;</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPageProviderCodeFix))]
[Shared]
public sealed class AddPageProviderCodeFix : CodeFixProvider
{
    private const string Title = "Add a [PageProvider] method";
    private const string BaseName = "FillPage";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingProvider);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not ClassDeclarationSyntax declaration)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, token => FixAsync(context.Document, declaration, token), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        string name = FreeName(editor.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken));
        MemberDeclarationSyntax? stub = SyntaxFactory.ParseMemberDeclaration(
            "[global::Uffd.PageProvider]\n" +
            $"private void {name}(long pageIndex, global::System.Span<byte> page)\n" +
            "{\n" +
            "    throw new global::System.NotImplementedException();\n" +
            "}\n");
        if (stub is null)
        {
            return document;
        }

        if (declaration.Members.Count > 0)
        {
            // A blank line separates the stub from the member before it (the formatter keeps blank lines, never adds them).
            stub = stub.WithLeadingTrivia(stub.GetLeadingTrivia().Insert(0, NewLine(declaration)));
        }

        editor.AddMember(declaration, stub.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation));
        return editor.GetChangedDocument();
    }

    /// <summary>The end-of-line the class already uses.</summary>
    private static SyntaxTrivia NewLine(SyntaxNode declaration)
    {
        foreach (SyntaxTrivia trivia in declaration.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.EndOfLine("\n");
    }

    /// <summary>FillPage, or FillPage2, FillPage3, ... when the class already has a member of that name.</summary>
    private static string FreeName(INamedTypeSymbol? type)
    {
        string name = BaseName;
        for (int i = 2; type is not null && (type.GetMembers(name).Length > 0 || type.Name == name); i++)
        {
            name = BaseName + i.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }
}
