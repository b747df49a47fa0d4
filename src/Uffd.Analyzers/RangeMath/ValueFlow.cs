using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// Data flow within one method, cheap and conservative: the value a local holds when it is written exactly once (a
/// tuple literal deconstructed into it included), the steps a cursor moves by, and the initializer of a readonly field
/// declared in the same file. What it cannot follow it does not guess.
/// </summary>
internal static class ValueFlow
{
    private static readonly ConditionalWeakTable<IOperation, Dictionary<ILocalSymbol, LocalWrites>> Writes = new();

    /// <summary>
    /// The one value a local is ever given: its initializer or its single assignment, when nothing else writes it (no
    /// compound assignment, increment, ref or out). With <paramref name="allowCompound"/>, compound assignments do not
    /// count as other writes (the value before them is what <c>x &gt;&gt;= 12</c> works on).
    /// </summary>
    public static IOperation? SingleValue(ILocalReferenceOperation reference, bool allowCompound = false)
    {
        if (reference.Local.IsRef || reference.Local.IsConst || WritesOf(reference) is not { } writes
            || writes.OtherWrite || (writes.CompoundWrite && !allowCompound))
        {
            return null;
        }

        return writes.Values == 1 ? writes.Value : null;
    }

    /// <summary>
    /// The steps added to or subtracted from a local written several times (<c>offset += 2 * 4096</c>): whatever the
    /// local holds, it moves by these. Its initializer and plain assignments are not returned (which of them reaches a
    /// use is a question of flow); empty when anything else writes it (a ref, an out, another compound operator).
    /// </summary>
    public static IReadOnlyList<IOperation> Steps(ILocalReferenceOperation reference) =>
        reference.Local.IsRef || WritesOf(reference) is not { } writes || writes.OtherWrite || writes.NonAdditiveCompound
            ? Array.Empty<IOperation>()
            : writes.Steps;

    /// <summary>How each local of the method holding <paramref name="reference"/> is written: one pass per method, cached.</summary>
    private static LocalWrites? WritesOf(ILocalReferenceOperation reference)
    {
        IOperation root = reference;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return Writes.GetValue(root, Collect).TryGetValue(reference.Local, out LocalWrites? writes) ? writes : null;
    }

    private static Dictionary<ILocalSymbol, LocalWrites> Collect(IOperation root)
    {
        var all = new Dictionary<ILocalSymbol, LocalWrites>(SymbolEqualityComparer.Default);
        LocalWrites Of(ILocalSymbol local)
        {
            if (!all.TryGetValue(local, out LocalWrites? writes))
            {
                all[local] = writes = new LocalWrites();
            }

            return writes;
        }

        foreach (IOperation operation in root.Descendants())
        {
            if (operation is IVariableDeclaratorOperation { Initializer: { } initializer } declarator)
            {
                Of(declarator.Symbol).Add(initializer.Value);
                continue;
            }

            if (operation is not ILocalReferenceOperation use)
            {
                continue;
            }

            LocalWrites writes = Of(use.Local);
            switch (use.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == use:
                    writes.Add(assignment.Value);
                    break;
                case ICompoundAssignmentOperation compound when compound.Target == use:
                    writes.CompoundWrite = true;
                    if (compound.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract)
                    {
                        writes.Steps.Add(compound.Value);
                    }
                    else
                    {
                        writes.NonAdditiveCompound = true;
                    }

                    break;
                case IIncrementOrDecrementOperation:
                case IAddressOfOperation:
                case IArgumentOperation { Parameter.RefKind: not RefKind.None and not RefKind.In }:
                    writes.OtherWrite = true;
                    break;
                case ITupleOperation when DeconstructedValue(use) is { } element:
                    writes.Add(element);
                    break;
                default:
                    writes.OtherWrite |= use.IsDeclaration || IsDeconstructionTarget(use);
                    break;
            }
        }

        return all;
    }

    /// <summary>The writes of one local in one method.</summary>
    private sealed class LocalWrites
    {
        public int Values { get; private set; }

        /// <summary>The last value given (the only one when <see cref="Values"/> is 1).</summary>
        public IOperation? Value { get; private set; }

        public bool CompoundWrite { get; set; }

        public bool NonAdditiveCompound { get; set; }

        /// <summary>A write the rules cannot follow: increment, ref, out, address taken, another deconstruction.</summary>
        public bool OtherWrite { get; set; }

        public List<IOperation> Steps { get; } = new();

        public void Add(IOperation value)
        {
            Value = value;
            Values++;
        }
    }

    /// <summary>A local written by a deconstruction (<c>(a, b) = ...</c>, <c>var (a, b) = ...</c>), not read in a tuple.</summary>
    private static bool IsDeconstructionTarget(ILocalReferenceOperation use)
    {
        IOperation node = use;
        while (node.Parent is ITupleOperation or IDeclarationExpressionOperation)
        {
            node = node.Parent;
        }

        return node != use && node.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == node;
    }

    /// <summary>
    /// The element a deconstruction of a tuple literal gives the local: <c>var (first, count) = (offset / 4096, n);</c>
    /// gives <c>first</c> its first element. Null for any other deconstruction (of a method's tuple, a nested one).
    /// </summary>
    private static IOperation? DeconstructedValue(ILocalReferenceOperation use)
    {
        if (use.Parent is not ITupleOperation target)
        {
            return null;
        }

        IOperation written = target.Parent is IDeclarationExpressionOperation declaration ? declaration : target;
        if (written.Parent is not IDeconstructionAssignmentOperation deconstruction || deconstruction.Target != written
            || Conversions.Skip(deconstruction.Value) is not ITupleOperation source
            || source.Elements.Length != target.Elements.Length)
        {
            return null;
        }

        int index = target.Elements.IndexOf(use);
        return index < 0 ? null : source.Elements[index];
    }

    /// <summary>The initializer of a readonly field declared in the same file as <paramref name="reference"/>, or null.</summary>
    public static IOperation? ReadonlyInitializer(IFieldReferenceOperation reference)
    {
        IFieldSymbol field = reference.Field;
        if (!field.IsReadOnly || field.IsConst || reference.SemanticModel is not { } model)
        {
            return null;
        }

        foreach (SyntaxReference declaration in field.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree == model.SyntaxTree
                && declaration.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer })
            {
                return model.GetOperation(initializer);
            }
        }

        return null;
    }
}
