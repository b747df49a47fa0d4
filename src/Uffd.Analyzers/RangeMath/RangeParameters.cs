using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Uffd.Analyzers.RangeMath;

/// <summary>What a numeric parameter of a runtime or generated method takes.</summary>
internal enum RangeRole
{
    /// <summary>Not a range parameter (or not one the table knows).</summary>
    None,

    /// <summary>An address or byte length the kernel takes in whole pages or rejects with EINVAL (UFFDIO ranges, Discard).</summary>
    KernelRange,

    /// <summary>A byte offset or length the runtime works on in whole pages (Prefault, the Map* lengths).</summary>
    PagedBytes,

    /// <summary>A byte offset or length at byte granularity (Read, Write, the spans): a page only when computed from pages.</summary>
    Bytes,

    /// <summary>A page index or page count (Open(pages), Protect, PageRange): 4096 there is a count, not a size.</summary>
    Pages,

    /// <summary>The page size itself (PageFaultEvent.PageStart, UffdLimits.MaxRegionPagesOf).</summary>
    PageSize,
}

/// <summary>What a value from the runtime or a region stands for.</summary>
internal enum ValueMeaning
{
    Unknown,
    Address,
    ByteOffset,
    PageIndex,
    PageSize,
}

/// <summary>
/// The one table of which runtime and generated parameters are byte ranges, page counts or page sizes, and which members
/// are addresses, byte offsets, page indexes or page sizes. UFFD0041 and UFFD0043 decide from it what a constant means
/// where it is used: 4096 given to <c>Open(pages)</c> is a count, given to <c>Discard(offset, length)</c> a page size.
/// </summary>
internal static class RangeParameters
{
    // Keys are "Owner.Member.parameter"; Owner is the runtime type's name, or Region for a region's generated members
    // and the engine behind them (they take the same arguments).
    private static readonly Dictionary<string, RangeRole> Parameters = Build();

    // Keys are "Owner.Member" of properties and methods whose value has a range meaning.
    private static readonly Dictionary<string, ValueMeaning> Members = new()
    {
        ["Region.BaseAddress"] = ValueMeaning.Address,
        ["Region.AliasAddress"] = ValueMeaning.Address,
        ["Region.Length"] = ValueMeaning.ByteOffset,
        ["Region.PageCount"] = ValueMeaning.PageIndex,
        ["Region.PageSize"] = ValueMeaning.PageSize,
        ["UffdMemory.Address"] = ValueMeaning.Address,
        ["UffdMemory.AliasAddress"] = ValueMeaning.Address,
        ["UffdMemory.Length"] = ValueMeaning.ByteOffset,
        ["UffdMemory.PageCount"] = ValueMeaning.PageIndex,
        ["UffdMemory.PageSize"] = ValueMeaning.PageSize,
        ["PageFaultEvent.Address"] = ValueMeaning.Address,
        ["PageFaultEvent.PageStart"] = ValueMeaning.Address,
        ["PageFaultContext.Address"] = ValueMeaning.Address,
        ["PageFaultContext.Offset"] = ValueMeaning.ByteOffset,
        ["PageFaultContext.PageIndex"] = ValueMeaning.PageIndex,
        ["PageFaultContext.PageSize"] = ValueMeaning.PageSize,
        ["PageRange.FirstPage"] = ValueMeaning.PageIndex,
        ["PageRange.Count"] = ValueMeaning.PageIndex,
        ["PageRange.EndPage"] = ValueMeaning.PageIndex,
        ["UffdRegistration.Start"] = ValueMeaning.Address,
        ["UffdRegistration.Length"] = ValueMeaning.ByteOffset,
        ["Environment.SystemPageSize"] = ValueMeaning.PageSize,
    };

    private static Dictionary<string, RangeRole> Build()
    {
        var table = new Dictionary<string, RangeRole>();
        void Add(string owner, string[] members, RangeRole role, params string[] parameters)
        {
            foreach (string member in members)
            {
                foreach (string parameter in parameters)
                {
                    table[owner + "." + member + "." + parameter] = role;
                }
            }
        }

        Add("Userfaultfd", new[] { "Copy", "ZeroPage", "WriteProtect", "RemoveWriteProtection", "Wake", "Register", "Unregister", "Continue", "Poison", "Move" },
            RangeRole.KernelRange, "start", "destination", "source", "length");
        Add("UffdMemory", new[] { "Discard" }, RangeRole.KernelRange, "offset", "length");
        Add("UffdMemory", new[] { "MapAnonymous", "MapShared", "MapHugetlb" }, RangeRole.PagedBytes, "length");
        Add("UffdMemory", new[] { "AsSpan", "AliasSpan" }, RangeRole.Bytes, "offset", "length");
        Add("Region", new[] { "Prefault" }, RangeRole.PagedBytes, "offset", "length");
        Add("Region", new[] { "Read", "Write", "AsSpan", "AsReadOnlySpan", "LeaseSpan", "AliasSpan" }, RangeRole.Bytes, "offset", "length");
        Add("Region", new[] { "Protect", "Unprotect" }, RangeRole.Pages, "firstPage", "pageCount");
        Add("Region", new[] { "Open" }, RangeRole.Pages, "pages");
        Add("PageRange", new[] { ".ctor" }, RangeRole.Pages, "FirstPage", "Count");
        Add("FaultRegionSettings", new[] { ".ctor" }, RangeRole.Pages, "Pages");
        Add("PageFaultContext", new[] { ".ctor" }, RangeRole.Pages, "pageIndex");
        Add("PageFaultContext", new[] { ".ctor" }, RangeRole.PageSize, "pageSize");
        Add("PageFaultEvent", new[] { "PageStart" }, RangeRole.PageSize, "pageSize");
        Add("UffdLimits", new[] { "MaxRegionPagesOf" }, RangeRole.PageSize, "pageSize");
        return table;
    }

    /// <summary>The role of a numeric parameter of a runtime or generated method.</summary>
    public static RangeRole RoleOf(IParameterSymbol parameter)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method || !IsNumeric(parameter.Type) || OwnerOf(method) is not { } owner)
        {
            return RangeRole.None;
        }

        return Parameters.TryGetValue(owner + "." + method.Name + "." + parameter.Name, out RangeRole role) ? role : RangeRole.None;
    }

    /// <summary>The meaning of a property's or method's value, or Unknown.</summary>
    public static ValueMeaning MeaningOf(ISymbol member)
    {
        if (member.ContainingType?.Name == "Environment" && member.ContainingType.ContainingNamespace?.ToDisplayString() == "System")
        {
            return Members.TryGetValue("Environment." + member.Name, out ValueMeaning system) ? system : ValueMeaning.Unknown;
        }

        return OwnerOf(member) is { } owner && Members.TryGetValue(owner + "." + member.Name, out ValueMeaning meaning)
            ? meaning
            : ValueMeaning.Unknown;
    }

    /// <summary>Integral or native-sized: the types a range travels in.</summary>
    public static bool IsNumeric(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int16 or SpecialType.System_UInt16
        or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
        or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    private static string? OwnerOf(ISymbol member)
    {
        INamedTypeSymbol? type = member.ContainingType;
        if (type is null)
        {
            return null;
        }

        // A region's generated members, and the engine they forward to; a user's member of the same name is not the table's.
        if (RegionSymbols.IsRegion(type))
        {
            return RegionSymbols.IsGenerated(member) ? "Region" : null;
        }

        if (type.Name == "FaultRegionEngine" && RegionSymbols.IsRuntimeType(type))
        {
            return "Region";
        }

        return RegionSymbols.IsRuntimeType(type) ? type.Name : null;
    }
}
