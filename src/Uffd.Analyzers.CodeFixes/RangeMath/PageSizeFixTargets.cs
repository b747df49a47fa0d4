using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Uffd.Analyzers.RangeMath;

namespace Uffd.Analyzers.CodeFixes.RangeMath;

/// <summary>
/// Where the UFFD0041 fix writes when the constant has a name: the initializer of a local written once or of a static
/// readonly field (so every use follows), or the declaration of a const local (which then holds the page size).
/// </summary>
internal static class PageSizeFixTargets
{
    /// <summary>
    /// The declaration of the const local <paramref name="node"/> names, when it declares that one local and no use of
    /// it needs a constant (a case label, another const): then it can hold the page size instead.
    /// </summary>
    public static LocalDeclarationStatementSyntax? ConstLocalToRewrite(SemanticModel model, ExpressionSyntax node, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(node, cancellationToken).Symbol is not ILocalSymbol { IsConst: true } local
            || local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax
            {
                Initializer: not null,
                Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement },
            }
            || statement.Parent is not { } scope)
        {
            return null;
        }

        foreach (IdentifierNameSyntax use in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (use.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(use, cancellationToken).Symbol, local)
                && (PageSizeCodeFix.OnlyConstantsAllowed(use) || use.Ancestors().OfType<LocalDeclarationStatementSyntax>().Any(d => d.IsConst)))
            {
                return null;
            }
        }

        return statement;
    }

    public static LocalDeclarationStatementSyntax WithoutConst(
        LocalDeclarationStatementSyntax statement, ExpressionSyntax pageSize, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxToken constKeyword = statement.Modifiers.First(modifier => modifier.IsKind(SyntaxKind.ConstKeyword));
        VariableDeclarationSyntax declaration = statement.Declaration;
        VariableDeclaratorSyntax variable = declaration.Variables[0];
        ExpressionSyntax value = variable.Initializer!.Value;
        ExpressionSyntax size = PageSizeCodeFix.Typed(pageSize, model.GetTypeInfo(declaration.Type, cancellationToken).Type).WithTriviaFrom(value);
        declaration = declaration.ReplaceNode(value, size);
        LocalDeclarationStatementSyntax result = statement.WithModifiers(statement.Modifiers.Remove(constKeyword)).WithDeclaration(declaration);
        return result.Modifiers.Count == 0
            ? result.WithDeclaration(declaration.WithType(declaration.Type.WithLeadingTrivia(constKeyword.LeadingTrivia)))
            : result;
    }

    /// <summary>The constant initializer of the non-const local or static readonly field <paramref name="node"/> names.</summary>
    public static ExpressionSyntax? WrittenAt(SemanticModel model, ExpressionSyntax node, CancellationToken cancellationToken)
    {
        if (model.GetOperation(node, cancellationToken) is not { } operation)
        {
            return null;
        }

        IOperation? value = Conversions.Skip(operation) switch
        {
            ILocalReferenceOperation { Local.IsConst: false } local => ValueFlow.SingleValue(local),
            IFieldReferenceOperation { Field.IsConst: false, Field.IsStatic: true } field => ValueFlow.ReadonlyInitializer(field),
            _ => null,
        };
        return value?.Syntax is ExpressionSyntax { Parent: EqualsValueClauseSyntax } initializer
            && PageSizeConstants.TryGetConstant(value, out _)
            ? initializer
            : null;
    }
}
