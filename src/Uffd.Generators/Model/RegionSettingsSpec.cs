using Uffd.SourceGeneration;

namespace Uffd.Generators.Model;

/// <summary>The <c>[FaultRegion]</c> values, validated, with what follows from them.</summary>
/// <param name="Mode">The faults served.</param>
/// <param name="Pages">The size in pages, or 0 when <c>Open(pages)</c> gives it.</param>
/// <param name="HandlerThreads">Handler threads; 0 means one per CPU.</param>
/// <param name="ReadAhead">Extra pages filled per missing fault.</param>
/// <param name="Memory">What backs the region, as declared.</param>
/// <param name="OnProviderError">The provider-exception policy.</param>
/// <param name="ProtectOnFill">Filled pages are installed write-protected.</param>
/// <param name="HasAliasView">The region has an alias view, Minor regions only (<c>AliasSpan</c> is generated).</param>
/// <param name="ProviderWritesWholePage">The provider declared <c>WritesWholePage</c>: staging is not zeroed for it.</param>
/// <param name="WriteTracking">With WriteProtect: a handler per write, or the kernel's asynchronous tracking.</param>
/// <param name="UserModeOnly">Whether the region accepts a user-mode-only uffd (the runtime's default: Forbid).</param>
/// <param name="MaxPagesPerCall">The provider's <c>MaxPagesPerCall</c>: the most consecutive pages one call fills.</param>
/// <param name="MaxFaultsInFlight">The bound on an asynchronous provider's outstanding calls (0: the runtime's default).</param>
/// <param name="ReadAheadMode">Whether every missing fault reads ahead, or only those that continue a sequential run.</param>
/// <param name="Remote">The region serves another process's memory: <c>Serve</c> and <c>ServeAsync</c> instead of <c>Open</c> and the accessors.</param>
internal sealed record RegionSettingsSpec(
    RegionFaultMode Mode,
    long Pages,
    int HandlerThreads,
    int ReadAhead,
    RegionMemoryKind Memory,
    RegionErrorPolicy OnProviderError,
    bool ProtectOnFill,
    bool HasAliasView,
    bool ProviderWritesWholePage,
    RegionWriteTracking WriteTracking,
    RegionUserModeOnly UserModeOnly,
    int MaxPagesPerCall = 1,
    int MaxFaultsInFlight = 0,
    RegionReadAheadMode ReadAheadMode = RegionReadAheadMode.Always,
    bool Remote = false)
{
    /// <summary>True when the mode serves write-protect faults (<c>Protect</c> is generated).</summary>
    public bool HasWriteProtect => (Mode & RegionFaultMode.WriteProtect) != 0;

    /// <summary>Writes to protected pages wait for a handler: <c>LeaseSpan</c> and <c>Unprotect</c> instead of <c>AsSpan</c>.</summary>
    public bool HasSynchronousWriteProtect => HasWriteProtect && WriteTracking == RegionWriteTracking.Synchronous;

    /// <summary>The kernel records writes: <c>CollectWrittenPages</c>.</summary>
    public bool HasAsynchronousWriteProtect => HasWriteProtect && WriteTracking == RegionWriteTracking.Asynchronous;
}
