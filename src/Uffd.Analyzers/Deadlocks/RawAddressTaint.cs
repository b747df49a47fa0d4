using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Follows a value back to a raw-address source within one code block (a member body, lambdas and local functions
/// included): through conversions to pointers, <c>nint</c>, <c>nuint</c>, <c>long</c> and <c>ulong</c>; <c>+</c> and
/// <c>-</c> with integers (an address minus an address is a distance, not an address); <c>IntPtr.Add</c>/<c>Subtract</c>
/// and <c>ToPointer()</c>; the address of an element or field of a pointer (<c>&amp;p[i]</c>, <c>&amp;p-&gt;f</c>); and
/// locals, a local counting when any value stored in it does. With a <see cref="RawAddressFlow"/>, also one step out of
/// the block: a field that some member of its type (in the same file) stores an address in (a cached
/// <c>_base = (byte*)BaseAddress</c>), and a method or property getter of the same file whose return value is an address. A taint made for
/// such a step has no flow and stays within its block, so the analysis is one level deep and always ends.
/// </summary>
internal sealed class RawAddressTaint
{
    /// <summary>How many locals deep a value is followed.</summary>
    private const int MaxDepth = 8;

    private readonly RawAddressSources sources;
    private readonly SyntaxNode codeBlock;
    private readonly SemanticModel model;
    private readonly RawAddressFlow? flow;
    private readonly IParameterSymbol? seed;
    private readonly object gate = new();
    private Dictionary<ILocalSymbol, List<IOperation>>? stores;

    /// <param name="flow">Fields and helpers of the same file to follow one step; null to stay within the block.</param>
    /// <param name="seed">A parameter whose value counts as an address (what a helper does with the address it is given).</param>
    public RawAddressTaint(RawAddressSources sources, SyntaxNode codeBlock, SemanticModel model, RawAddressFlow? flow = null, IParameterSymbol? seed = null)
    {
        this.sources = sources;
        this.codeBlock = codeBlock;
        this.model = model;
        this.flow = flow;
        this.seed = seed;
    }

    /// <summary>The source that stands for the seed parameter's value.</summary>
    public static RawAddressSource SeedSource { get; } = new("the address parameter", string.Empty, region: null);

    /// <summary>The source the address held by <paramref name="expression"/> comes from, or null.</summary>
    public RawAddressSource? SourceOf(ExpressionSyntax expression, CancellationToken cancellationToken) =>
        SourceOf(model.GetOperation(Unparenthesize(expression), cancellationToken), MaxDepth, null, cancellationToken);

    /// <summary>The source the address <paramref name="operation"/> computes comes from, or null.</summary>
    public RawAddressSource? SourceOf(IOperation? operation, CancellationToken cancellationToken) =>
        SourceOf(operation, MaxDepth, null, cancellationToken);

    /// <summary>Strips parentheses and <c>checked(...)</c>/<c>unchecked(...)</c>.</summary>
    public static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case CheckedExpressionSyntax checkedExpression:
                    expression = checkedExpression.Expression;
                    break;
                default:
                    return expression;
            }
        }
    }

    private RawAddressSource? SourceOf(IOperation? operation, int depth, HashSet<ILocalSymbol>? visiting, CancellationToken cancellationToken)
    {
        while (operation is not null)
        {
            switch (operation)
            {
                case IConversionOperation conversion when IsAddressType(conversion.Type):
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add:
                    return SourceOf(add.LeftOperand, depth, visiting, cancellationToken)
                        ?? SourceOf(add.RightOperand, depth, visiting, cancellationToken);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } subtract:
                    RawAddressSource? left = SourceOf(subtract.LeftOperand, depth, visiting, cancellationToken);
                    return left is not null && SourceOf(subtract.RightOperand, depth, visiting, cancellationToken) is null ? left : null;
                case IPropertyReferenceOperation property:
                    return sources.FromProperty(property)
                        ?? (property.Property.GetMethod is { } getter ? flow?.FromReturn(getter, cancellationToken) : null);
                case IFieldReferenceOperation field:
                    return flow?.FromField(field.Field, cancellationToken);
                case IParameterReferenceOperation parameter:
                    return seed is not null && SymbolEqualityComparer.Default.Equals(parameter.Parameter, seed) ? SeedSource : null;
                case IInvocationOperation invocation:
                    if (sources.FromInvocation(invocation) is { } returned)
                    {
                        return returned;
                    }

                    if (AddressOperand(invocation) is { } operand)
                    {
                        operation = operand;
                        break;
                    }

                    return flow?.FromReturn(invocation.TargetMethod, cancellationToken);
                case IAddressOfOperation addressOf:
                    operation = PointerOf(addressOf, cancellationToken);
                    break;
                case ILocalReferenceOperation local:
                    return FromLocal(local.Local, depth - 1, visiting, cancellationToken);
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The address operand of <c>IntPtr.Add/Subtract(pointer, offset)</c> and <c>p.ToPointer()</c>, else null.</summary>
    private static IOperation? AddressOperand(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.ContainingType?.SpecialType is not (SpecialType.System_IntPtr or SpecialType.System_UIntPtr))
        {
            return null;
        }

        if (method.IsStatic && method.Name is "Add" or "Subtract" && method.Parameters.Length == 2)
        {
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        return !method.IsStatic && method.Name == "ToPointer" && method.Parameters.IsEmpty ? invocation.Instance : null;
    }

    /// <summary>The pointer under <c>&amp;*p</c>, <c>&amp;p[i]</c> or <c>&amp;p-&gt;f</c> (still an address into the same memory).</summary>
    private IOperation? PointerOf(IAddressOfOperation addressOf, CancellationToken cancellationToken)
    {
        ExpressionSyntax? pointer = addressOf.Reference.Syntax switch
        {
            PrefixUnaryExpressionSyntax indirection when indirection.IsKind(SyntaxKind.PointerIndirectionExpression) => indirection.Operand,
            ElementAccessExpressionSyntax element => element.Expression,
            MemberAccessExpressionSyntax member when member.IsKind(SyntaxKind.PointerMemberAccessExpression) => member.Expression,
            _ => null,
        };
        if (pointer is null)
        {
            return null;
        }

        IOperation? operation = model.GetOperation(Unparenthesize(pointer), cancellationToken);
        return operation?.Type is IPointerTypeSymbol ? operation : null;
    }

    private RawAddressSource? FromLocal(ILocalSymbol local, int depth, HashSet<ILocalSymbol>? visiting, CancellationToken cancellationToken)
    {
        if (depth <= 0 || !Stores(cancellationToken).TryGetValue(local, out List<IOperation>? values))
        {
            return null;
        }

        visiting ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        if (!visiting.Add(local))
        {
            return null;
        }

        try
        {
            foreach (IOperation value in values)
            {
                if (SourceOf(value, depth, visiting, cancellationToken) is { } source)
                {
                    return source;
                }
            }

            return null;
        }
        finally
        {
            visiting.Remove(local);
        }
    }

    /// <summary>Every value the code block stores in each local (initializers, assignments, <c>+=</c>), indexed once.</summary>
    private Dictionary<ILocalSymbol, List<IOperation>> Stores(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (this.stores is not null)
            {
                return this.stores;
            }

            var stores = new Dictionary<ILocalSymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            if (model.GetOperation(codeBlock, cancellationToken) is { } root)
            {
                foreach (IOperation operation in root.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator:
                            Add(stores, declarator.Symbol, value);
                            break;
                        case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                            Add(stores, target.Local, assignment.Value);
                            break;
                        case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation target } compound:
                            Add(stores, target.Local, compound.Value);
                            break;
                    }
                }
            }

            this.stores = stores;
            return stores;
        }
    }

    private static void Add(Dictionary<ILocalSymbol, List<IOperation>> stores, ILocalSymbol local, IOperation value)
    {
        if (!stores.TryGetValue(local, out List<IOperation>? values))
        {
            values = new List<IOperation>();
            stores.Add(local, values);
        }

        values.Add(value);
    }

    /// <summary>Types that can carry an address: pointers, <c>nint</c>, <c>nuint</c>, <c>long</c>, <c>ulong</c>.</summary>
    public static bool IsAddressType(ITypeSymbol? type) =>
        type is IPointerTypeSymbol
        || type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr or SpecialType.System_Int64 or SpecialType.System_UInt64;
}
