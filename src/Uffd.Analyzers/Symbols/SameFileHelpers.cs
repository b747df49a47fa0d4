using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Uffd.Analyzers;

/// <summary>
/// The one level of interprocedural knowledge every rule takes: a helper a callback or a handler calls is looked into
/// only when it is declared in the file being analyzed, because an analyzer holds the semantic model of that file only
/// (asking the compilation for another one is RS1030, and slow). Partial methods are looked at through their
/// implementation; generic and reduced methods through their definition.
/// </summary>
internal static class SameFileHelpers
{
    /// <summary>The declarations of <paramref name="method"/> that lie in <paramref name="model"/>'s file.</summary>
    public static IEnumerable<SyntaxNode> DeclarationsIn(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken = default)
    {
        IMethodSymbol definition = (method.PartialImplementationPart ?? method).OriginalDefinition;
        foreach (SyntaxReference reference in definition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == model.SyntaxTree)
            {
                yield return reference.GetSyntax(cancellationToken);
            }
        }
    }

    /// <summary>The operation of the first declaration of <paramref name="method"/> in the model's file (its body), or null.</summary>
    public static IOperation? BodyIn(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken = default)
    {
        if (method.IsExtern)
        {
            return null;
        }

        foreach (SyntaxNode declaration in DeclarationsIn(method, model, cancellationToken))
        {
            if (model.GetOperation(declaration, cancellationToken) is { } body)
            {
                return body;
            }
        }

        return null;
    }
}
