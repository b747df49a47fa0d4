using System.Collections.Generic;

namespace Uffd.SourceGeneration;

/// <summary>What a public member the generator writes on a region is, as far as the region's memory is concerned.</summary>
internal enum GeneratedMemberKind
{
    /// <summary><c>Open</c>, <c>Serve</c>, <c>Dispose</c>, <c>IsOpen</c>, <c>Ended</c>: the region's life, no access to its pages.</summary>
    Lifecycle,

    /// <summary>A plain number or record (<c>Length</c>, <c>PageSize</c>, <c>Statistics</c>, ...): reading it touches no page.</summary>
    Number,

    /// <summary>
    /// <c>BaseAddress</c>: a number too (offsets, distances, system calls take it without a fault); only a dereference of
    /// it in managed code reaches the region's pages.
    /// </summary>
    Address,

    /// <summary>
    /// The accessors that reach the region's pages (<c>AsSpan</c>, <c>Read</c>, <c>AsStream</c>, ...): each makes its
    /// range present or copies it, which on a page not filled yet is a fault served by the region's handler threads.
    /// </summary>
    MemoryAccessor,

    /// <summary><c>AliasSpan</c>: the alias view of a Minor region is never registered and never waits for a handler.</summary>
    AliasAccessor,

    /// <summary><c>Protect</c>, <c>Unprotect</c>, <c>CollectWrittenPages</c>: write-protection ioctls and page-table scans, no fault.</summary>
    Protection,
}

/// <summary>Which options make the generator write a member.</summary>
internal enum GeneratedMemberCondition
{
    Always,
    Local,
    Remote,
    WriteProtect,
    SynchronousWriteProtect,
    NotSynchronousWriteProtect,
    AsynchronousWriteProtect,
    AliasView,
}

/// <summary>
/// The one table of the public members the generator writes on a <c>[FaultRegion]</c> class: their names, when they are
/// written and what they are (<see cref="GeneratedMemberKind"/>). The generator's declaration rules take the names from
/// it (<c>RegionDeclarationRules.GetGeneratedMemberNames</c>), the deadlock rules the kinds, so that "which generated
/// members touch region memory" is decided in one place.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>In the order the generated file declares them.</summary>
    private static readonly (string Name, GeneratedMemberKind Kind, GeneratedMemberCondition Condition)[] Members =
    {
        ("Open", GeneratedMemberKind.Lifecycle, GeneratedMemberCondition.Local),
        ("Serve", GeneratedMemberKind.Lifecycle, GeneratedMemberCondition.Remote),
        ("ServeAsync", GeneratedMemberKind.Lifecycle, GeneratedMemberCondition.Remote),
        ("Ended", GeneratedMemberKind.Lifecycle, GeneratedMemberCondition.Remote),
        ("Dispose", GeneratedMemberKind.Lifecycle, GeneratedMemberCondition.Always),
        ("IsOpen", GeneratedMemberKind.Lifecycle, GeneratedMemberCondition.Always),
        ("BaseAddress", GeneratedMemberKind.Address, GeneratedMemberCondition.Local),
        ("Length", GeneratedMemberKind.Number, GeneratedMemberCondition.Local),
        ("PageSize", GeneratedMemberKind.Number, GeneratedMemberCondition.Always),
        ("PageCount", GeneratedMemberKind.Number, GeneratedMemberCondition.Always),
        ("AsReadOnlySpan", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.Local),
        ("Read", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.Local),
        ("Write", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.Local),
        ("Prefault", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.Local),
        ("AsStream", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.Local),
        ("LastProviderError", GeneratedMemberKind.Number, GeneratedMemberCondition.Always),
        ("LastRemoteError", GeneratedMemberKind.Number, GeneratedMemberCondition.Remote),
        ("Statistics", GeneratedMemberKind.Number, GeneratedMemberCondition.Always),
        ("IsUserModeOnly", GeneratedMemberKind.Number, GeneratedMemberCondition.Local),
        ("Protect", GeneratedMemberKind.Protection, GeneratedMemberCondition.WriteProtect),
        ("LeaseSpan", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.SynchronousWriteProtect),
        ("Unprotect", GeneratedMemberKind.Protection, GeneratedMemberCondition.SynchronousWriteProtect),
        ("AsSpan", GeneratedMemberKind.MemoryAccessor, GeneratedMemberCondition.NotSynchronousWriteProtect),
        ("CollectWrittenPages", GeneratedMemberKind.Protection, GeneratedMemberCondition.AsynchronousWriteProtect),
        ("AliasSpan", GeneratedMemberKind.AliasAccessor, GeneratedMemberCondition.AliasView),
    };

    private static readonly Dictionary<string, GeneratedMemberKind> Kinds = CreateKinds();

    /// <summary>The names of the public members written for these options, in declaration order.</summary>
    public static IEnumerable<string> NamesFor(RegionOptions options)
    {
        foreach ((string name, _, GeneratedMemberCondition condition) in Members)
        {
            if (Applies(condition, options))
            {
                yield return name;
            }
        }
    }

    /// <summary>The kind of the generated member called <paramref name="name"/>; false for a name the generator never writes.</summary>
    public static bool TryGetKind(string name, out GeneratedMemberKind kind) => Kinds.TryGetValue(name, out kind);

    /// <summary>True for the accessors that reach the region's pages (a fault served by the region's own handlers).</summary>
    public static bool ReachesRegionMemory(string name) => TryGetKind(name, out GeneratedMemberKind kind) && kind == GeneratedMemberKind.MemoryAccessor;

    /// <summary>True for <c>BaseAddress</c>: a number until it is dereferenced.</summary>
    public static bool IsAddress(string name) => TryGetKind(name, out GeneratedMemberKind kind) && kind == GeneratedMemberKind.Address;

    private static bool Applies(GeneratedMemberCondition condition, RegionOptions options) => condition switch
    {
        GeneratedMemberCondition.WriteProtect => options.HasWriteProtect,
        GeneratedMemberCondition.SynchronousWriteProtect => options.HasSynchronousWriteProtect,
        GeneratedMemberCondition.Local => !options.Remote,
        GeneratedMemberCondition.Remote => options.Remote,
        GeneratedMemberCondition.NotSynchronousWriteProtect => !options.HasSynchronousWriteProtect && !options.Remote,
        GeneratedMemberCondition.AsynchronousWriteProtect => options.HasAsynchronousWriteProtect,
        GeneratedMemberCondition.AliasView => options.HasAliasView,
        _ => true,
    };

    private static Dictionary<string, GeneratedMemberKind> CreateKinds()
    {
        var kinds = new Dictionary<string, GeneratedMemberKind>(System.StringComparer.Ordinal);
        foreach ((string name, GeneratedMemberKind kind, _) in Members)
        {
            kinds[name] = kind;
        }

        return kinds;
    }
}
