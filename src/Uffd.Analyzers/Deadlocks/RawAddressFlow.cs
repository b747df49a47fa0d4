using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Raw addresses one step out of a member body, within one file (an analyzer is given the semantic model of the file
/// it analyzes; other files would need <c>Compilation.GetSemanticModel</c>, which analyzers must not call): a field
/// that some member of its type stores an address in, a method whose return value is an address, and a method that
/// dereferences the address it is given as a parameter. Each answer is computed once, with a taint that stays within
/// the storing, returning or dereferencing member, so the analysis is one level deep and always ends.
/// </summary>
internal sealed class RawAddressFlow
{
    private readonly RawAddressSources sources;
    private readonly RawDereferences dereferences;
    private readonly SemanticModel model;
    private readonly ConcurrentDictionary<ISymbol, Answer> answers = new(SymbolEqualityComparer.Default);

    public RawAddressFlow(RawAddressSources sources, RawDereferences dereferences, SemanticModel model)
    {
        this.sources = sources;
        this.dereferences = dereferences;
        this.model = model;
    }

    /// <summary>The source of an address some member of the field's type stores in it, or null.</summary>
    public RawAddressSource? FromField(IFieldSymbol field, CancellationToken cancellationToken) =>
        RawAddressTaint.IsAddressType(field.Type) && field.ContainingType is { } type
            ? answers.GetOrAdd(field.OriginalDefinition, _ => new Answer(StoredIn(field, type, cancellationToken))).Source
            : null;

    /// <summary>The source of the address a method of this file returns, or null.</summary>
    public RawAddressSource? FromReturn(IMethodSymbol method, CancellationToken cancellationToken) =>
        RawAddressTaint.IsAddressType(method.ReturnType) && method.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction or MethodKind.PropertyGet
            ? answers.GetOrAdd(method.OriginalDefinition, _ => new Answer(Returned(method, cancellationToken))).Source
            : null;

    /// <summary>True when a method of this file dereferences, in managed code, the address it is given as <paramref name="parameter"/>.</summary>
    public bool Dereferences(IParameterSymbol parameter, CancellationToken cancellationToken)
    {
        if (!RawAddressTaint.IsAddressType(parameter.Type) || parameter.RefKind != RefKind.None || parameter.ContainingSymbol is not IMethodSymbol method)
        {
            return false;
        }

        return answers.GetOrAdd(parameter.OriginalDefinition, _ => new Answer(DereferencedIn(method, parameter, cancellationToken))).Source is not null;
    }

    private RawAddressSource? StoredIn(IFieldSymbol field, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                continue;
            }

            foreach (AssignmentExpressionSyntax assignment in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (!(assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.IsKind(SyntaxKind.AddAssignmentExpression))
                    || Name(assignment.Left) != field.Name
                    || !SymbolEqualityComparer.Default.Equals(
                        model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol?.OriginalDefinition, field.OriginalDefinition)
                    || Body(assignment) is not { } body)
                {
                    continue;
                }

                if (new RawAddressTaint(sources, body, model).SourceOf(assignment.Right, cancellationToken) is { } source)
                {
                    return source;
                }
            }
        }

        return null;
    }

    private RawAddressSource? Returned(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (Declaration(method, cancellationToken) is not { } declaration)
        {
            return null;
        }

        var taint = new RawAddressTaint(sources, declaration, model);
        foreach (SyntaxNode node in declaration.DescendantNodes())
        {
            ExpressionSyntax? value = node switch
            {
                ReturnStatementSyntax returned => returned.Expression,
                ArrowExpressionClauseSyntax arrow when arrow.Parent == declaration => arrow.Expression,
                _ => null,
            };
            if (value is null && node.Parent == declaration && declaration is ArrowExpressionClauseSyntax getter)
            {
                value = getter.Expression; // the getter of an expression-bodied property is its arrow clause
            }

            if (value is not null && IsOwn(node, declaration) && taint.SourceOf(value, cancellationToken) is { } source)
            {
                return source;
            }
        }

        return null;
    }

    private RawAddressSource? DereferencedIn(IMethodSymbol method, IParameterSymbol parameter, CancellationToken cancellationToken)
    {
        if (Declaration(method, cancellationToken) is not { } declaration)
        {
            return null;
        }

        var taint = new RawAddressTaint(sources, declaration, model, flow: null, seed: parameter);
        foreach (SyntaxNode node in declaration.DescendantNodes())
        {
            if (IsOwn(node, declaration) && dereferences.At(node, model, taint, cancellationToken) is { } source)
            {
                return source;
            }
        }

        return null;
    }

    /// <summary>The declaration of a method of this file (method, local function, property getter), or null.</summary>
    private SyntaxNode? Declaration(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode declaration in SameFileHelpers.DeclarationsIn(method, model, cancellationToken))
        {
            if (declaration is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax)
            {
                return declaration;
            }
        }

        return null;
    }

    /// <summary>A node of the method itself, not of a lambda or local function inside it (those may run elsewhere, or never).</summary>
    private static bool IsOwn(SyntaxNode node, SyntaxNode declaration)
    {
        for (SyntaxNode? parent = node.Parent; parent is not null && parent != declaration; parent = parent.Parent)
        {
            if (parent is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The member (or top-level statement) whose body holds the assignment: the block its taint follows locals in.</summary>
    private static SyntaxNode? Body(SyntaxNode node)
    {
        for (SyntaxNode? current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or GlobalStatementSyntax or LocalFunctionStatementSyntax)
            {
                return current;
            }
        }

        return null;
    }

    private static string? Name(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>A cached answer, null included.</summary>
    private sealed class Answer
    {
        public Answer(RawAddressSource? source) => Source = source;

        public RawAddressSource? Source { get; }
    }
}
