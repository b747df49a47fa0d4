using System;

namespace Uffd;

/// <summary>Which faults a <see cref="FaultRegionAttribute"/> region serves; any combination.</summary>
[Flags]
public enum FaultMode
{
    /// <summary>The first touch of each page calls the <see cref="PageProviderAttribute"/> method, which fills it.</summary>
    Missing = 1,
    /// <summary>Writes to protected pages call the <see cref="WriteHandlerAttribute"/> method, then the page is unprotected.</summary>
    WriteProtect = 2,
    /// <summary>
    /// Pages already in the page cache (written through the alias view) call the provider with that content before
    /// they are mapped. Needs shared memory.
    /// </summary>
    Minor = 4,
}

/// <summary>What backs a region.</summary>
public enum RegionMemory
{
    /// <summary>The mode decides: private anonymous memory, or a shared memfd for <see cref="FaultMode.Minor"/>.</summary>
    Default,
    /// <summary>Private anonymous memory (not for <see cref="FaultMode.Minor"/>).</summary>
    Anonymous,
    /// <summary>A shared memfd; with <see cref="FaultMode.Minor"/>, also an alias view that is never registered, to stage pages through.</summary>
    Shared,
    /// <summary>Shared hugetlbfs memory (pages of the default huge page size; needs <c>vm.nr_hugepages</c>).</summary>
    HugePages,
}

/// <summary>When a missing fault reads ahead (<see cref="FaultRegionAttribute.ReadAhead"/> pages at most).</summary>
public enum ReadAheadMode
{
    /// <summary>Every missing fault fills ReadAhead pages after its own (those it can claim).</summary>
    Always,
    /// <summary>
    /// Only a fault that continues a sequential run reads ahead: its window starts at 8 pages and doubles with each
    /// fault that lands where the last window ended, up to ReadAhead; a fault elsewhere fills its own page only. For
    /// data read both at random and in scans, from a store where a page costs a round trip.
    /// </summary>
    Sequential,
}

/// <summary>How a region with <see cref="FaultMode.WriteProtect"/> learns about writes to protected pages.</summary>
public enum WriteTracking
{
    /// <summary>
    /// Each write to a protected page waits for a handler thread, which calls the <see cref="WriteHandlerAttribute"/>
    /// method and then unprotects the page. Writable spans come as leases (<c>LeaseSpan</c>), which a
    /// <c>Protect</c> waits for.
    /// </summary>
    Synchronous,
    /// <summary>
    /// The kernel unprotects a written page itself and records it (<c>UFFD_FEATURE_WP_ASYNC</c>, Linux 6.7): writers
    /// never wait, and <c>CollectWrittenPages</c> returns the pages written since the last collection and protects
    /// them again in the same walk. No write handler.
    /// </summary>
    Asynchronous,
}

/// <summary>What happens to the faulting access when the provider throws. The faulting thread never hangs.</summary>
public enum ProviderErrorPolicy
{
    /// <summary>Terminate the process with a message naming the region, the page index and the exception.</summary>
    FailFast,
    /// <summary>Map a zero page and record the error (<c>LastProviderError</c>); the access continues and reads zeros.</summary>
    ZeroFill,
    /// <summary>Poison the page: the access gets SIGBUS (a system call touching it gets EFAULT). The error is recorded.</summary>
    Poison,
}

/// <summary>
/// Marks a <c>partial class</c> whose memory is served by userfaultfd. The generator adds <c>Open</c>,
/// <c>Dispose</c>, <c>BaseAddress</c>, <c>Length</c>, <c>PageSize</c> and <c>AsSpan</c>, and runs the event loop
/// that calls the class's <see cref="PageProviderAttribute"/> method on the first touch of each page.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class FaultRegionAttribute : Attribute
{
    /// <summary>The faults the region serves. Default: <see cref="FaultMode.Missing"/>.</summary>
    public FaultMode Mode { get; set; } = FaultMode.Missing;

    /// <summary>
    /// Region size in pages; 0 means the size is given to <c>Open(long pages)</c>. At most
    /// <see cref="UffdLimits.MaxRegionPages"/>, and <c>Pages</c> times the page size at most
    /// <see cref="UffdLimits.MaxMappingLength"/>: <c>Open</c> throws <see cref="ArgumentOutOfRangeException"/> otherwise.
    /// </summary>
    public long Pages { get; set; }

    /// <summary>
    /// 0 (the default): the process's fault dispatcher serves the region, one handler thread pinned per CPU shared by
    /// every region (<see cref="Regions.RegionDispatcher.Configure(int)"/> sets its count). n &gt; 0: a dispatcher of the region's
    /// own with n threads, started by Open and stopped by Dispose.
    /// </summary>
    public int HandlerThreads { get; set; }

    /// <summary>Pages after the faulting one filled by the same fault with one multi-page copy. Default 0.</summary>
    public int ReadAhead { get; set; }

    /// <summary>
    /// Whether every missing fault reads ahead (<see cref="ReadAheadMode.Always"/>, the default) or only those that
    /// continue a sequential run, with a window growing up to <see cref="ReadAhead"/> (<see cref="ReadAheadMode.Sequential"/>).
    /// </summary>
    public ReadAheadMode ReadAheadMode { get; set; }

    /// <summary>What backs the region. Default: chosen from the mode.</summary>
    public RegionMemory Memory { get; set; }

    /// <summary>
    /// What happens when the provider throws (or an asynchronous provider's task faults or is cancelled). Default:
    /// <see cref="ProviderErrorPolicy.FailFast"/>.
    /// </summary>
    public ProviderErrorPolicy OnProviderError { get; set; }

    /// <summary>
    /// With an asynchronous provider, the most provider calls outstanding at once; faults beyond it wait, in order,
    /// for one to complete. 0 (the default): <see cref="Regions.FaultRegionSettings.DefaultMaxFaultsInFlight"/>.
    /// </summary>
    public int MaxFaultsInFlight { get; set; }

    /// <summary>
    /// With <see cref="FaultMode.WriteProtect"/> and <see cref="FaultMode.Missing"/>: install filled pages write-protected,
    /// so the first write after a fill is reported too. Default false.
    /// </summary>
    public bool ProtectOnFill { get; set; }

    /// <summary>
    /// With <see cref="FaultMode.WriteProtect"/>: whether a handler sees each write (<see cref="WriteTracking.Synchronous"/>,
    /// the default) or the kernel records them for <c>CollectWrittenPages</c> (<see cref="WriteTracking.Asynchronous"/>).
    /// </summary>
    public WriteTracking WriteTracking { get; set; }

    /// <summary>
    /// Whether the region accepts a userfaultfd that only catches faults raised in user mode. Default:
    /// <see cref="UserModeOnlyPolicy.Forbid"/>, so <c>Open</c> throws <see cref="UffdUnavailableException"/> naming the cause
    /// and the fix when the process may not have one that also serves faults raised inside system calls (an
    /// unprivileged user without CAP_SYS_PTRACE while <c>vm.unprivileged_userfaultfd</c> is 0, the default, or a seccomp
    /// filter). <see cref="UserModeOnlyPolicy.Allow"/> falls back to user-mode-only faults then, and
    /// <see cref="UserModeOnlyPolicy.Require"/> always uses them. Every accessor works either way: spans, leases,
    /// <c>Read</c>, <c>Write</c> and <c>Prefault</c> make pages present from native code before anything else sees
    /// them. What does not: a raw pointer from <c>BaseAddress</c> given to a system call (EFAULT on a page never
    /// touched), and a page the provider poisons while a span is being made present (SIGBUS instead of
    /// <see cref="PagePoisonedException"/>). The generated <c>IsUserModeOnly</c> says which one the region got.
    /// </summary>
    public UserModeOnlyPolicy UserModeOnly { get; set; } = UserModeOnlyPolicy.Forbid;

    /// <summary>
    /// True: the class serves another process's memory, as a page-fault handler process does (Firecracker's VMM sends
    /// its guest memory's uffd to one). The generator then writes <c>Serve(RemoteMemory)</c> and <c>ServeAsync</c>
    /// instead of <c>Open</c> and the accessors (the pages are not mapped in this process), and the provider is called
    /// with the page index in the remote memory's page space (a range's offset, a snapshot file's page). Missing
    /// faults only; <see cref="Pages"/>, <see cref="Memory"/> and <see cref="UserModeOnly"/> come from the remote
    /// process. Default false.
    /// </summary>
    public bool Remote { get; set; }
}

/// <summary>
/// Marks the method that fills a page: <c>void M(long pageIndex, Span&lt;byte&gt; page)</c>, or
/// <c>PageFill M(long pageIndex, Span&lt;byte&gt; page)</c>, or either with a <see cref="PageFaultContext"/> first.
/// It runs on a handler thread and must not touch the region's own memory. A provider that waits for I/O is
/// asynchronous: <c>ValueTask M(long pageIndex, Memory&lt;byte&gt; page, CancellationToken cancellationToken)</c>, or
/// <c>ValueTask&lt;PageFill&gt;</c>, or either with a <see cref="PageFaultContext"/> first; the fault is resolved when
/// its task completes, and no handler thread waits for it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class PageProviderAttribute : Attribute
{
    /// <summary>
    /// The provider writes every byte of every page it returns as <see cref="PageFill.Filled"/>, so the engine skips
    /// zeroing the staging buffer before each call. Default false: the buffer is zeroed, and a provider that writes
    /// only part of a page never installs another page's bytes. Set it only when every byte is written; otherwise the
    /// bytes left unwritten are those of a page filled earlier by the same handler thread.
    /// </summary>
    /// <remarks>
    /// Zeroing costs one extra pass over every filled page, about 0.3 µs per page in a read-ahead scan
    /// (docs/performance.md). Minor faults never zero (the buffer is the page-cache page itself).
    /// </remarks>
    public bool WritesWholePage { get; set; }

    /// <summary>
    /// The most consecutive pages one call fills. Default 1: one call per page. With n &gt; 1 the buffer holds up to n
    /// pages (the faulting page and the read-ahead after it; <see cref="PageFaultContext.PageCount"/> says how many),
    /// filled by one call and installed with one multi-page copy: one ranged read instead of n.
    /// </summary>
    public int MaxPagesPerCall { get; set; } = 1;
}

/// <summary>
/// Marks the method called when a write hits a protected page, before the page is unprotected:
/// <c>void M(long pageIndex)</c> or <c>void M(PageFaultContext context)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class WriteHandlerAttribute : Attribute
{
}
