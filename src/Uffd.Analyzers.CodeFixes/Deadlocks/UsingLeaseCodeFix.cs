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

namespace Uffd.Analyzers.CodeFixes.Deadlocks;

/// <summary>
/// UFFD0033: <c>var l = r.LeaseSpan(...);</c> becomes <c>using var l = r.LeaseSpan(...);</c>, so the lease ends with the
/// enclosing block. Offered for a local declaration of one variable, directly in a block or at top level, whose local is
/// never assigned again, passed by reference or disposed explicitly (a <c>using</c> variable is read-only).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UsingLeaseCodeFix))]
[Shared]
public sealed class UsingLeaseCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = "UFFD0033.UsingLease";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SpanLeaseNotDisposed);

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
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax call
                || Declaration(call, model, context.CancellationToken) is not { } statement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Dispose the lease with 'using'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(statement, WithUsing(statement)))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The <c>var l = call;</c> statement the fix can turn into a using declaration, or null.</summary>
    private static LocalDeclarationStatementSyntax? Declaration(ExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode? node = call.Parent;
        while (node is ParenthesizedExpressionSyntax)
        {
            node = node.Parent;
        }

        if (node is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            || declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement }
            || !statement.UsingKeyword.IsKind(SyntaxKind.None)
            || statement.IsConst
            || statement.Parent is not (BlockSyntax or GlobalStatementSyntax)
            || model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local)
        {
            return null;
        }

        // A using variable is read-only: no fix when the local is written again or passed by reference. Nor when it
        // is disposed explicitly somewhere: on a read-only ref struct that call would end a copy of the lease, and the
        // using would end the lease a second time.
        SyntaxNode scope = statement.Parent is GlobalStatementSyntax global ? global.Parent ?? global : statement.Parent;
        foreach (IdentifierNameSyntax name in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText == local.Name
                && (IsWrite(name) || IsDisposeReceiver(name))
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local))
            {
                return null;
            }
        }

        return statement;
    }

    /// <summary><c>name.Dispose()</c>.</summary>
    private static bool IsDisposeReceiver(IdentifierNameSyntax name) =>
        name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose" } access
        && access.Expression == name
        && access.Parent is InvocationExpressionSyntax;

    private static bool IsWrite(IdentifierNameSyntax name) => name.Parent switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left == name,
        ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
        RefExpressionSyntax => true,
        _ => false,
    };

    private static LocalDeclarationStatementSyntax WithUsing(LocalDeclarationStatementSyntax statement)
    {
        SyntaxToken first = statement.GetFirstToken();
        SyntaxToken usingKeyword = SyntaxFactory.Token(first.LeadingTrivia, SyntaxKind.UsingKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return statement.ReplaceToken(first, first.WithLeadingTrivia(SyntaxFactory.TriviaList())).WithUsingKeyword(usingKeyword);
    }
}
