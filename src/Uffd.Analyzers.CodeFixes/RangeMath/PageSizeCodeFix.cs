using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Uffd.Analyzers.RangeMath;

namespace Uffd.Analyzers.CodeFixes.RangeMath;

/// <summary>
/// UFFD0041: replaces a hard-coded page size with the region's <c>PageSize</c> (inside an instance member of a region)
/// or <c>Environment.SystemPageSize</c>, cast to the literal's type when that is unsigned.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp), Shared]
public sealed class PageSizeCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HardCodedPageSize);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax literal
                || !diagnostic.Properties.TryGetValue(PageSizeAnalyzer.ReplacementKey, out string? replacement)
                || replacement is null)
            {
                continue;
            }

            string title = "Use " + replacement;
            context.RegisterCodeFix(
                CodeAction.Create(title, token => FixAsync(context.Document, literal, replacement, token), equivalenceKey: title),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ExpressionSyntax literal, string replacement, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        ExpressionSyntax pageSize = replacement == PageSizeAnalyzer.RegionPageSize
            ? SyntaxFactory.IdentifierName("PageSize")
            : SyntaxFactory.ParseExpression("global::System.Environment.SystemPageSize").WithAdditionalAnnotations(Simplifier.Annotation);

        // PageSize is an int: an unsigned context (uint, ulong, nuint) needs the cast the constant did not.
        TypeSyntax? unsigned = model.GetTypeInfo(literal, cancellationToken).ConvertedType?.SpecialType switch
        {
            SpecialType.System_UInt32 => SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.UIntKeyword)),
            SpecialType.System_UInt64 => SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.ULongKeyword)),
            SpecialType.System_UIntPtr => SyntaxFactory.IdentifierName("nuint"),
            _ => null,
        };
        if (unsigned is not null)
        {
            pageSize = SyntaxFactory.CastExpression(unsigned, pageSize);
        }

        // (4 * 1024) becomes PageSize, not (PageSize).
        ExpressionSyntax replaced = literal is BinaryExpressionSyntax && literal.Parent is ParenthesizedExpressionSyntax parenthesized
            ? parenthesized
            : literal;
        return document.WithSyntaxRoot(root.ReplaceNode(replaced, pageSize.WithTriviaFrom(replaced)));
    }
}
