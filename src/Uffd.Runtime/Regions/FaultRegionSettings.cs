using System.Runtime.InteropServices;

namespace Uffd.Regions;

/// <summary>The resolved configuration of one region, as the generator computes it from <see cref="FaultRegionAttribute"/>.</summary>
/// <param name="Name">The region class's name, quoted in errors and thread names.</param>
/// <param name="Mode">The faults served.</param>
/// <param name="Pages">
/// The size in pages (never 0 here): at most <see cref="UffdLimits.MaxRegionPages"/> (one int each in the page table),
/// and times the page size (a huge page for <see cref="RegionMemory.HugePages"/>) at most <see cref="UffdLimits.MaxMappingLength"/>.
/// </param>
/// <param name="HandlerThreads">0: the process's shared fault dispatcher serves the region; n &gt; 0: a dispatcher of its own with n threads.</param>
/// <param name="ReadAhead">Extra pages filled per missing fault.</param>
/// <param name="Memory">What backs the region.</param>
/// <param name="OnProviderError">The provider-exception policy.</param>
/// <param name="ProtectOnFill">Install filled pages write-protected (WP with Missing).</param>
/// <param name="ProviderWritesWholePage">The provider writes every byte of a filled page: staging is not zeroed before it runs.</param>
/// <param name="WriteTracking">With WriteProtect: a handler per write, or the kernel's asynchronous tracking.</param>
/// <param name="ProviderMayPoison">
/// The provider may return <see cref="PageFill.Poison"/> (it returns <see cref="PageFill"/>). Spans then make pages
/// present with <c>MADV_POPULATE_READ</c>, which reports a page poisoned meanwhile as an error (so the accessor throws
/// <see cref="PagePoisonedException"/>); otherwise with a native one-byte read per page, the fault <c>Read</c> takes,
/// which costs less but would get SIGBUS on a poisoned page. The Poison error policy counts as may-poison whatever
/// this says. Generated code passes false for providers that return void.
/// </param>
/// <param name="UserModeOnly">
/// Which uffd the region accepts. <see cref="UserModeOnlyPolicy.Forbid"/> (the default): one that also serves faults
/// raised inside system calls, or Open throws <see cref="UffdUnavailableException"/> naming the cause (the sysctl, the
/// capability, /dev/userfaultfd's permissions, a seccomp filter) and the fix. <see cref="UserModeOnlyPolicy.Allow"/>:
/// fall back to a user-mode-only uffd when that is all the process may have (an unprivileged user, by default);
/// <see cref="UserModeOnlyPolicy.Require"/>: always user-mode-only. The accessors work with either (they make pages
/// present from native code before a span is handed out), but a raw pointer into the region given to a system call
/// fails with EFAULT on a page never touched, and a page the provider poisons while a span is being made present
/// raises SIGBUS instead of <see cref="PagePoisonedException"/>. <see cref="FaultRegionEngine{TCallbacks}.IsUserModeOnly"/>
/// says which one the region got.
/// </param>
/// <param name="AsynchronousProvider">
/// The provider is <see cref="IFaultRegionCallbacks.FillPagesAsync"/>: a fault claims its pages, calls it, and is
/// resolved when the task completes, so no handler thread waits for the provider's I/O. Needs UFFDIO_POISON (Linux
/// 6.6): a fetch that Dispose cancels poisons its pages, so a thread waiting on them fails instead of hanging or
/// reading zeros.
/// </param>
/// <param name="MaxPagesPerCall">
/// The most consecutive pages one provider call fills (the faulting page and read-ahead after it); 1 calls the
/// provider once per page.
/// </param>
/// <param name="ReadAheadMode">Whether every missing fault reads ahead, or only those that continue a sequential run.</param>
/// <param name="MaxFaultsInFlight">
/// With an asynchronous provider, the most provider calls the region has outstanding at once (0: <see cref="DefaultMaxFaultsInFlight"/>).
/// Faults beyond it wait, in order, for a call to complete; read-ahead beyond it is not started.
/// </param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct FaultRegionSettings(
    string Name,
    FaultMode Mode,
    long Pages,
    int HandlerThreads = 0,
    int ReadAhead = 0,
    RegionMemory Memory = RegionMemory.Default,
    ProviderErrorPolicy OnProviderError = ProviderErrorPolicy.FailFast,
    bool ProtectOnFill = false,
    bool ProviderWritesWholePage = false,
    WriteTracking WriteTracking = WriteTracking.Synchronous,
    bool ProviderMayPoison = true,
    UserModeOnlyPolicy UserModeOnly = UserModeOnlyPolicy.Forbid,
    bool AsynchronousProvider = false,
    int MaxPagesPerCall = 1,
    int MaxFaultsInFlight = 0,
    ReadAheadMode ReadAheadMode = ReadAheadMode.Always)
{
    /// <summary>The bound on outstanding asynchronous provider calls when <see cref="MaxFaultsInFlight"/> is 0.</summary>
    public const int DefaultMaxFaultsInFlight = 64;
}
