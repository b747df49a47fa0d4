using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Where a raw address of registered memory comes from: the generated <c>BaseAddress</c> of a region,
/// <c>FaultRegionEngine&lt;T&gt;.BaseAddress</c>, <c>UffdMemory.Address</c>, and the fault address of a page-fault
/// message (<c>PageFaultEvent.Address</c>, <c>PageFaultEvent.PageStart(...)</c>, <c>PageFaultContext.Address</c>).
/// The alias views (<c>AliasAddress</c>) are never registered and are not sources. Resolved once per compilation.
/// </summary>
internal sealed class RawAddressSources
{
    private const string SafeCopies = "copy through GcSafeMemory.Read or GcSafeMemory.Write";

    private readonly INamedTypeSymbol engine;
    private readonly INamedTypeSymbol? memory;
    private readonly INamedTypeSymbol? faultEvent;
    private readonly INamedTypeSymbol? faultContext;

    private RawAddressSources(Compilation compilation, INamedTypeSymbol engine)
    {
        this.engine = engine;
        memory = compilation.GetTypeByMetadataName("Uffd.UffdMemory");
        faultEvent = compilation.GetTypeByMetadataName("Uffd.PageFaultEvent");
        faultContext = compilation.GetTypeByMetadataName("Uffd.PageFaultContext");
    }

    /// <summary>The sources of this compilation, or null when Uffd.Runtime is not referenced.</summary>
    public static RawAddressSources? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName("Uffd.Regions.FaultRegionEngine`1") is { } engine ? new RawAddressSources(compilation, engine) : null;

    /// <summary>The source a property reference reads, or null.</summary>
    public RawAddressSource? FromProperty(IPropertyReferenceOperation reference)
    {
        IPropertySymbol property = reference.Property;
        INamedTypeSymbol? type = property.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (GeneratedMembers.IsAddress(property.Name))
        {
            if (RegionSymbols.IsRegion(type) && RegionSymbols.IsGenerated(property))
            {
                return new RawAddressSource(type.Name + ".BaseAddress", RegionAdvice(type), type);
            }

            if (SymbolEqualityComparer.Default.Equals(type, engine))
            {
                return new RawAddressSource(
                    type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ".BaseAddress",
                    "use its AsSpan, AsReadOnlySpan, LeaseSpan, Read or Write",
                    region: null);
            }

            return null;
        }

        if (property.Name == "Address"
            && (SymbolEqualityComparer.Default.Equals(type, memory)
                || SymbolEqualityComparer.Default.Equals(type, faultEvent)
                || SymbolEqualityComparer.Default.Equals(type, faultContext)))
        {
            return new RawAddressSource(
                type.Name + ".Address", SafeCopies, region: null, isCallbackFault: SymbolEqualityComparer.Default.Equals(type, faultContext));
        }

        return null;
    }

    /// <summary>The source a call returns (<c>PageFaultEvent.PageStart</c>), or null.</summary>
    public RawAddressSource? FromInvocation(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name == "PageStart"
        && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, faultEvent)
            ? new RawAddressSource("PageFaultEvent.PageStart", SafeCopies, region: null)
            : null;

    /// <summary>The region's own safe accessors, as the generator wrote them for its mode.</summary>
    private static string RegionAdvice(INamedTypeSymbol region) =>
        region.GetMembers("AsSpan").IsEmpty
            ? "use AsReadOnlySpan, LeaseSpan, Read or Write"
            : "use AsSpan, AsReadOnlySpan, Read or Write";
}

/// <summary>One raw-address source as the diagnostic names it.</summary>
internal sealed class RawAddressSource
{
    public RawAddressSource(string name, string advice, INamedTypeSymbol? region, bool isCallbackFault = false)
    {
        Name = name;
        Advice = advice;
        Region = region;
        IsCallbackFault = isCallbackFault;
    }

    /// <summary>
    /// <c>PageFaultContext.Address</c>: the page a region's callback was called for, so in a region class it is that
    /// region's own memory (the engine makes a context only for the callbacks).
    /// </summary>
    public bool IsCallbackFault { get; }

    /// <summary>"Letters.BaseAddress", "UffdMemory.Address", ...</summary>
    public string Name { get; }

    /// <summary>The safe way to touch that memory, for the message.</summary>
    public string Advice { get; }

    /// <summary>The region when the source is its generated <c>BaseAddress</c> (the code fix offers its accessors).</summary>
    public INamedTypeSymbol? Region { get; }
}
