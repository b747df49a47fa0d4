using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Options;
using Microsoft.CodeAnalysis.Simplification;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.CodeFixes;

/// <summary>
/// UFFD0010: adds a <c>[PageProvider]</c> stub that serves zero pages (<c>page.Clear()</c>), with a comment saying where
/// the page's bytes go; in a region with Minor faults it leaves the page as staged. It must not throw: a provider that
/// throws fails the region on its first fault (the default policy is FailFast), so a stub that compiled would still
/// crash the program. It is static because it reads no field yet (an instance method would draw CA1822); the user
/// removes <c>static</c> when the provider needs the region's state. Names are written fully qualified and simplified
/// afterwards, so the stub compiles with or without <c>using System; using Uffd;</c>.
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
        INamedTypeSymbol? region = editor.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken);
        SyntaxTrivia newLine = NewLine(declaration);
        var lines = new List<string>
        {
            "[global::Uffd.PageProvider]",
            $"private static void {FreeName(region)}(long pageIndex, global::System.Span<byte> page)",
            "{",
        };
        if (HasMinorFaults(region))
        {
            // A minor fault's page is the page-cache page itself: clearing it would destroy what was staged there.
            lines.Add("    // A minor fault's page holds what was staged through AliasSpan (zeros if nothing was); adjust it here.");
        }
        else
        {
            lines.Add("    // Write the bytes of page pageIndex into page here; until then every page reads as zeros.");
            lines.Add("    page.Clear();");
        }

        lines.Add("}");
        lines.Add("");
        // Written with the file's own line ending, so a CRLF file stays CRLF (the formatter fixes indentation only).
        MemberDeclarationSyntax? stub = SyntaxFactory.ParseMemberDeclaration(string.Join(newLine.ToFullString(), lines));
        if (stub is null)
        {
            return document;
        }

        if (declaration.Members.Count > 0)
        {
            // A blank line separates the stub from the member before it (the formatter keeps blank lines, never adds them).
            stub = stub.WithLeadingTrivia(stub.GetLeadingTrivia().Insert(0, newLine));
        }

        var indent = new SyntaxAnnotation();
        editor.AddMember(declaration, stub.WithAdditionalAnnotations(indent, Simplifier.Annotation));
        return await FormatAsync(editor.GetChangedDocument(), indent, newLine.ToFullString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Indents the stub with the file's own line ending. The formatter writes the workspace's end-of-line where it breaks
    /// lines (a class written on one line), which would mix LF into a CRLF file; so it runs here with the file's, and the
    /// stub carries no Formatter annotation for the code action's clean-up to format it again.
    /// </summary>
    private static async Task<Document> FormatAsync(Document document, SyntaxAnnotation stub, string newLine, CancellationToken cancellationToken)
    {
        OptionSet options = await document.GetOptionsAsync(cancellationToken).ConfigureAwait(false);
        options = options.WithChangedOption(FormattingOptions.NewLine, LanguageNames.CSharp, newLine);
        return await Formatter.FormatAsync(document, stub, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The end-of-line the class already uses, else the file's (a class written on one line has none).</summary>
    private static SyntaxTrivia NewLine(SyntaxNode declaration)
    {
        foreach (SyntaxNode scope in new[] { declaration, declaration.SyntaxTree.GetRoot() })
        {
            foreach (SyntaxTrivia trivia in scope.DescendantTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    return trivia;
                }
            }
        }

        return SyntaxFactory.EndOfLine("\n");
    }

    private static bool HasMinorFaults(INamedTypeSymbol? region) =>
        region is not null
        && RegionDeclarationRules.ReadOptions(region, out RegionOptions options) is null
        && (options.Mode & RegionFaultMode.Minor) != 0;

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
