using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Uffd.Analyzers.Protocol;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// For UFFD0030: fields of a region class that hold an object reaching the region's pages, made by one of its own
/// accessors (the stream <c>AsStream</c> returns: an accessor of <see cref="GeneratedMembers"/> whose result can outlive
/// the call, unlike a span), and the calls made on such a field (<c>_stream.ReadExactly(page)</c> reads the region).
/// A field counts once some member of the class stores such an object in it.
/// </summary>
internal sealed class RegionHandleFields
{
    private readonly INamedTypeSymbol region;
    private readonly ConcurrentDictionary<IFieldSymbol, string> accessorByField = new(SymbolEqualityComparer.Default);

    public RegionHandleFields(INamedTypeSymbol region) => this.region = region;

    /// <summary>Records <c>_field = AsStream()</c> (any instance of the region class).</summary>
    public void RecordStore(ISimpleAssignmentOperation assignment)
    {
        if (assignment.Target is IFieldReferenceOperation { Field: var field }
            && IsOwnField(field)
            && ProtocolOperations.Unwrap(assignment.Value) is IInvocationOperation { TargetMethod: var accessor }
            && SymbolEqualityComparer.Default.Equals(accessor.ContainingType?.OriginalDefinition, region)
            && RegionSymbols.IsGenerated(accessor)
            && GeneratedMembers.ReachesRegionMemory(accessor.Name)
            && accessor.ReturnType.IsReferenceType)
        {
            accessorByField.TryAdd(field.OriginalDefinition, accessor.Name);
        }
    }

    /// <summary>The field of the region class a call is made on (<c>_stream</c> of <c>_stream.Read(...)</c>), or null.</summary>
    public IFieldSymbol? ReceiverField(IInvocationOperation invocation) =>
        ProtocolOperations.Unwrap(invocation.Instance) is IFieldReferenceOperation { Field: var field } && IsOwnField(field)
            ? field.OriginalDefinition
            : null;

    /// <summary>The accessor whose object the field holds, or null when no member stores one in it.</summary>
    public string? AccessorIn(IFieldSymbol field) => accessorByField.TryGetValue(field, out string? accessor) ? accessor : null;

    private bool IsOwnField(IFieldSymbol field) =>
        SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, region) && field.Type.IsReferenceType;
}
