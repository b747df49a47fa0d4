using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// <c>_field.Value</c> of a <c>Lazy&lt;T&gt;</c> runs the factory on the thread that reads it first: a factory that waits
/// makes that read a wait. Followed for a field of the same file whose initializer creates the <c>Lazy</c> with a
/// lambda (<c>new Lazy&lt;T&gt;(() =&gt; ...)</c>); a <c>Lazy</c> created elsewhere (a constructor, a method) is not.
/// </summary>
internal static class LazyFactories
{
    /// <summary>The field of <c>field.Value</c> when it is a <c>System.Lazy&lt;T&gt;</c>, or null.</summary>
    public static IFieldSymbol? FieldOf(IOperation operation) =>
        operation is IPropertyReferenceOperation { Property.Name: "Value", Instance: IFieldReferenceOperation { Field: { } field } }
        && field.Type.OriginalDefinition is INamedTypeSymbol { Name: "Lazy", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
            ? field
            : null;

    /// <summary>The body of the factory lambda in the field's initializer, when that is in the file of <paramref name="use"/>.</summary>
    public static IOperation? Body(IFieldSymbol field, IOperation use)
    {
        SemanticModel? model = use.SemanticModel;
        if (model is null)
        {
            return null;
        }

        foreach (SyntaxReference reference in field.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree
                || reference.GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer }
                || model.GetOperation(initializer) is not { } created)
            {
                continue;
            }

            while (created is IConversionOperation conversion)
            {
                created = conversion.Operand;
            }

            if (created is IObjectCreationOperation creation)
            {
                foreach (IArgumentOperation argument in creation.Arguments)
                {
                    IOperation value = argument.Value;
                    while (value is IDelegateCreationOperation or IConversionOperation)
                    {
                        value = value is IDelegateCreationOperation delegateCreation ? delegateCreation.Target : ((IConversionOperation)value).Operand;
                    }

                    if (value is IAnonymousFunctionOperation lambda)
                    {
                        return lambda.Body;
                    }
                }
            }
        }

        return null;
    }
}
