using System;
using System.Linq;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Uffd.Analyzers.RangeMath;

namespace Uffd.Analyzers.CodeFixes.RangeMath;

/// <summary>
/// UFFD0041: writes the page size instead of its constant: the region's <c>PageSize</c> (in an instance member of a
/// region) or <c>Environment.SystemPageSize</c>. 4096 becomes the page size, 4095 <c>(pageSize - 1)</c>, ~4095
/// <c>~(pageSize - 1)</c>, <c>x &gt;&gt; 12</c> <c>x / pageSize</c> and <c>x &lt;&lt; 12</c> <c>x * pageSize</c>; in an
/// unsigned context the page size is cast to that type so the expression keeps its type. No fix where only a constant
/// may stand (a const, a case label, an attribute).
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
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax node
                || !diagnostic.Properties.TryGetValue(PageSizeReporter.ReplacementKey, out string? replacement)
                || replacement is null
                || !TryGetSpelling(diagnostic, out PageSizeSpelling spelling)
                || OnlyConstantsAllowed(node))
            {
                continue;
            }

            // One equivalence key for every spelling and replacement, so Fix All fixes them all in one pass.
            context.RegisterCodeFix(
                CodeAction.Create("Use " + replacement, token => FixAsync(context.Document, node, spelling, replacement, token), equivalenceKey: DiagnosticIds.HardCodedPageSize),
                diagnostic);
        }
    }

    private static bool TryGetSpelling(Diagnostic diagnostic, out PageSizeSpelling spelling)
    {
        spelling = PageSizeSpelling.Size;
        return !diagnostic.Properties.TryGetValue(PageSizeReporter.SpellingKey, out string? text)
            || text is null
            || Enum.TryParse(text, out spelling);
    }

    /// <summary>A property cannot stand where the language wants a constant.</summary>
    internal static bool OnlyConstantsAllowed(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AttributeArgumentSyntax or CaseSwitchLabelSyntax or ConstantPatternSyntax or ParameterSyntax:
                    return true;
                case LocalDeclarationStatementSyntax local when local.IsConst:
                    return true;
                case FieldDeclarationSyntax field when field.Modifiers.Any(SyntaxKind.ConstKeyword):
                    return true;
                case StatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private static async Task<Document> FixAsync(
        Document document, ExpressionSyntax node, PageSizeSpelling spelling, string replacement, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        ExpressionSyntax pageSize = replacement == PageSizeReporter.RegionPageSize
            ? SyntaxFactory.IdentifierName("PageSize")
            : SyntaxFactory.ParseExpression("global::System.Environment.SystemPageSize").WithAdditionalAnnotations(Simplifier.Annotation);

        ExpressionSyntax replaced = node;
        ExpressionSyntax fixedNode;
        switch (spelling)
        {
            case PageSizeSpelling.ShiftRight or PageSizeSpelling.ShiftLeft when node is BinaryExpressionSyntax shift:
            {
                SyntaxKind kind = spelling == PageSizeSpelling.ShiftRight ? SyntaxKind.DivideExpression : SyntaxKind.MultiplyExpression;
                ExpressionSyntax size = Typed(pageSize, TypeOf(model, shift.Left, cancellationToken));
                fixedNode = Parenthesized(SyntaxFactory.BinaryExpression(kind, Parenthesized(shift.Left.WithoutTrivia()), size));
                break;
            }

            case PageSizeSpelling.ShiftRight or PageSizeSpelling.ShiftLeft when node is AssignmentExpressionSyntax shift:
            {
                SyntaxKind kind = spelling == PageSizeSpelling.ShiftRight ? SyntaxKind.DivideAssignmentExpression : SyntaxKind.MultiplyAssignmentExpression;
                ExpressionSyntax size = Typed(pageSize, TypeOf(model, shift.Left, cancellationToken));
                fixedNode = SyntaxFactory.AssignmentExpression(kind, shift.Left.WithoutTrivia(), size);
                break;
            }

            case PageSizeSpelling.ShiftRight or PageSizeSpelling.ShiftLeft:
                return document;

            case PageSizeSpelling.Size when PageSizeFixTargets.ConstLocalToRewrite(model, node, cancellationToken) is { } constLocal:
            {
                // A const local of 4096 becomes a local holding the page size: replacing only its uses would leave it
                // unused (CS0219, an error where warnings are).
                ExpressionSyntax size = PageSizeReporter.ReplacementAt(constLocal, model) == PageSizeReporter.RegionPageSize
                    ? SyntaxFactory.IdentifierName("PageSize")
                    : SyntaxFactory.ParseExpression("global::System.Environment.SystemPageSize").WithAdditionalAnnotations(Simplifier.Annotation);
                return document.WithSyntaxRoot(root.ReplaceNode(constLocal, PageSizeFixTargets.WithoutConst(constLocal, size, model, cancellationToken)));
            }

            default:
            {
                // A local written once or a static readonly field is fixed where it is written, so every use follows.
                if (PageSizeFixTargets.WrittenAt(model, node, cancellationToken) is { } initializer)
                {
                    node = replaced = initializer;
                    pageSize = replacement == PageSizeReporter.RegionPageSize && PageSizeReporter.ReplacementAt(initializer, model) != replacement
                        ? SyntaxFactory.ParseExpression("global::System.Environment.SystemPageSize").WithAdditionalAnnotations(Simplifier.Annotation)
                        : pageSize;
                }

                // (4 * 1024) becomes PageSize, not (PageSize).
                if (node is BinaryExpressionSyntax && node.Parent is ParenthesizedExpressionSyntax parenthesized)
                {
                    replaced = parenthesized;
                }

                ExpressionSyntax size = Typed(pageSize, model.GetTypeInfo(node, cancellationToken).ConvertedType);
                ExpressionSyntax minusOne = SyntaxFactory.BinaryExpression(
                    SyntaxKind.SubtractExpression, size, SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1)));
                fixedNode = spelling switch
                {
                    PageSizeSpelling.LowMask => SyntaxFactory.ParenthesizedExpression(minusOne),
                    PageSizeSpelling.HighMask => Parenthesized(SyntaxFactory.PrefixUnaryExpression(
                        SyntaxKind.BitwiseNotExpression, SyntaxFactory.ParenthesizedExpression(minusOne))),
                    _ => size,
                };
                break;
            }
        }

        return document.WithSyntaxRoot(root.ReplaceNode(replaced, fixedNode.WithTriviaFrom(replaced)));
    }

    private static ITypeSymbol? TypeOf(SemanticModel model, ExpressionSyntax expression, CancellationToken cancellationToken)
    {
        TypeInfo info = model.GetTypeInfo(expression, cancellationToken);
        return info.Type ?? info.ConvertedType;
    }

    /// <summary>
    /// The page size is an int: in an unsigned context (uint, ulong, nuint) it is cast, so that <c>u / pageSize</c> or
    /// <c>u &amp; (pageSize - 1)</c> keeps the type <c>u &gt;&gt; 12</c> or <c>u &amp; 4095</c> had.
    /// </summary>
    internal static ExpressionSyntax Typed(ExpressionSyntax pageSize, ITypeSymbol? type)
    {
        TypeSyntax? unsigned = type?.SpecialType switch
        {
            SpecialType.System_UInt32 => SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.UIntKeyword)),
            SpecialType.System_UInt64 => SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.ULongKeyword)),
            SpecialType.System_UIntPtr => SyntaxFactory.IdentifierName("nuint"),
            _ => null,
        };
        return unsigned is null ? pageSize : SyntaxFactory.CastExpression(unsigned, pageSize);
    }

    /// <summary>Parentheses the simplifier removes again where the context does not need them.</summary>
    private static ExpressionSyntax Parenthesized(ExpressionSyntax expression) =>
        SyntaxFactory.ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);
}
