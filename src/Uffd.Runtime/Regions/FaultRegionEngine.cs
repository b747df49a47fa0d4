using System;
using System.Collections.Generic;
using System.Threading;
using Uffd.Dispatch;

namespace Uffd.Regions;

/// <summary>
/// The engine behind a <see cref="FaultRegionAttribute"/> class: maps the memory the mode needs, negotiates exactly
/// the features it needs, registers, joins the process's fault dispatcher (or a private one with HandlerThreads),
/// resolves every fault with the right ioctl, and shuts down without leaving a thread blocked or a page silently
/// zero-filled. Generated code owns one of these, through <see cref="FaultRegionLifetime{TCallbacks}"/>.
/// </summary>
/// <typeparam name="TCallbacks">The generated struct that calls the user's provider and write handler.</typeparam>
/// <remarks>
/// Split by concern: this file holds creation and state; <c>.Access.cs</c> the spans, leases and native copies (and
/// the rule that no managed thread ever waits in a fault); <c>.Protection.cs</c> write protection and write
/// tracking; the fault path in one direction, <c>.Pump.cs</c> (read the uffd, apply events), <c>.Resolver.cs</c>
/// (decide, call the provider) and <c>.Install.cs</c> (the ioctls and their answers); <c>.Shutdown.cs</c> Dispose;
/// <c>.Remote.cs</c> serving another process's memory (OpenRemote, forks, the end of that process).
/// </remarks>
public sealed partial class FaultRegionEngine<TCallbacks> : IDisposable, IRegionMetricsSource
    where TCallbacks : struct, IFaultRegionCallbacks
{
    private const int StateOpen = 0;
    private const int StateDisposing = 1;
    private const int StateDisposed = 2;

    // Not readonly: the provider is called on this field in place, so a struct with state keeps it.
    private TCallbacks callbacks;
    private readonly FaultRegionSettings settings;

    // The region's own mapping; null for a remote region, whose pages live in another process (remote is set then).
    private readonly UffdMemory? memory;
    private readonly RemoteMemory? remote;
    private readonly long length;
    private readonly Userfaultfd uffd;

    // The threads that pump this region's uffd: the process's shared dispatcher, or one of its own (HandlerThreads).
    private readonly FaultDispatcher dispatcher;
    private readonly bool ownsDispatcher;

    // What each of the dispatcher's threads keeps for this region, by the thread's index (null for a spare thread
    // until it first pumps the region).
    private readonly RegionThreadState?[] states;
    private readonly int stagingPages;

    // The uffd's fdinfo, opened at Open: Dispose reads it to know no thread waits in a fault, even at the fd limit.
    private readonly UffdFdInfoFile fdInfo;
    private readonly PageStateTable pages;
    private readonly RegionLayout layout;

    // This process's pagemap: whether a page the table calls present really is (see ServeMissing), and the written
    // pages of asynchronous tracking. Null only when /proc is unavailable and the region does not need it.
    private readonly Pagemap? pagemap;

    // Held while reading messages and applying the events among them: the kernel posts the next event only once the
    // previous one was read, so two handlers could otherwise apply a REMAP and the UNMAP that follows it out of order.
    private readonly object readGate = new();
    private readonly int pageSize;
    private readonly bool hugetlb;
    private readonly bool writeProtectMode;
    private readonly bool protectOnFill;

    // Missing or Minor faults exist: a page the table does not call present may fault into a handler.
    private readonly bool canFaultMissing;

    // A page can be poisoned (the provider may return Poison, or the Poison policy): spans then populate with
    // MADV_POPULATE_READ, whose failure is an error code, instead of a native touch, which would get SIGBUS.
    private readonly bool canPoison;

    // The most pages one provider call fills (the faulting page and read-ahead after it).
    private readonly int maxPagesPerCall;

    // With ReadAheadMode.Sequential: how far each missing fault reads ahead (null: always ReadAhead).
    private readonly SequentialReadAhead? sequential;

    // Write protection whose write faults wait for a handler (as opposed to the kernel's asynchronous tracking).
    private readonly bool synchronousWriteProtect;
    private readonly bool asynchronousWriteProtect;

    // Whether the meter exists (this Open created it if it could): only then do the handlers time faults. The tag of
    // this region's measurements is built once, so recording allocates nothing (RegionMetrics).
    private readonly bool metered;
    private readonly KeyValuePair<string, object?> regionTag;
    private Exception? lastProviderError;
    private int state;

    // The region's place in the dispatcher, once added (default until then).
    private FaultSourceRegistration registration;

    // Read, Write, Prefault and span population in progress: Dispose does not unmap under them.
    private int activeAccesses;

    /// <summary>Takes over what <see cref="RegionResources.Acquire"/> acquired; acquires nothing itself.</summary>
    private FaultRegionEngine(TCallbacks callbacks, FaultRegionSettings settings, RegionResources acquired)
    {
        this.callbacks = callbacks;
        this.settings = settings;
        memory = acquired.Memory;
        remote = acquired.Remote;
        uffd = acquired.Uffd!;
        dispatcher = acquired.Dispatcher!;
        ownsDispatcher = acquired.OwnsDispatcher;
        states = acquired.States!;
        stagingPages = acquired.StagingPages;
        fdInfo = acquired.FdInfo!;
        pages = acquired.Pages!;
        pagemap = acquired.Pagemap;
        pageSize = memory?.PageSize ?? remote!.PageSize;
        PageCount = settings.Pages;
        length = PageCount * pageSize;
        hugetlb = memory is null ? pageSize != Environment.SystemPageSize : memory.Kind is MemoryKind.SharedHugetlb or MemoryKind.PrivateHugetlb;
        writeProtectMode = (settings.Mode & FaultMode.WriteProtect) != 0;
        asynchronousWriteProtect = writeProtectMode && settings.WriteTracking == WriteTracking.Asynchronous;
        synchronousWriteProtect = writeProtectMode && !asynchronousWriteProtect;

        // Asynchronous tracking reports an unprotected page as written, so every fill installs protected: a page
        // the provider filled is clean until someone writes it.
        protectOnFill = writeProtectMode && (settings.ProtectOnFill || asynchronousWriteProtect);
        canFaultMissing = (settings.Mode & (FaultMode.Missing | FaultMode.Minor)) != 0;

        // An asynchronous provider's pages are poisoned when Dispose cancels their fetch.
        canPoison = settings.ProviderMayPoison || settings.OnProviderError == ProviderErrorPolicy.Poison || settings.AsynchronousProvider;
        maxPagesPerCall = settings.MaxPagesPerCall;
        if (settings.ReadAheadMode == ReadAheadMode.Sequential && settings.ReadAhead > 0)
        {
            sequential = new SequentialReadAhead(settings.ReadAhead);
        }

        layout = memory is not null ? new RegionLayout(memory.Address, memory.Length, pageSize) : RegionLayout.Of(remote!.Ranges, length, pageSize);
        metered = RegionMetrics.TryCreate();
        regionTag = RegionMetrics.RegionTag(settings.Name);
        if (settings.AsynchronousProvider)
        {
            int maxInFlight = settings.MaxFaultsInFlight == 0 ? FaultRegionSettings.DefaultMaxFaultsInFlight : settings.MaxFaultsInFlight;
            fetches = new FetchPool(this, Math.Min(settings.MaxPagesPerCall, stagingPages), maxInFlight, dispatcher.PinnedCount);
        }
    }

    /// <summary>Maps, registers and starts serving a region.</summary>
    /// <remarks>
    /// Opening starts no thread: the region's uffd joins the epoll sets of the process's fault dispatcher, whose pinned
    /// threads (one per CPU, started with the first region) serve every region; a region with HandlerThreads gets a
    /// dispatcher of its own instead. A failed Open releases everything it took, in any step and at the descriptor
    /// limit too: the memory and its memfd, the uffd, the fdinfo and pagemap descriptors, a private dispatcher. A
    /// region holds 3 descriptors while open (4 on shared memory and huge pages); the shared dispatcher holds one
    /// epoll descriptor per thread and an eventfd, and starting each of its threads takes two more for a moment (the
    /// .NET runtime's own).
    /// </remarks>
    /// <exception cref="ArgumentException">The settings are inconsistent (no name, Minor on anonymous memory...).</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// Pages is not positive, or more than the page table holds (<see cref="UffdLimits.MaxRegionPages"/>), or, multiplied
    /// by the page size (a huge page for HugePages), longer than the user address space (<see cref="UffdLimits.MaxMappingLength"/>).
    /// </exception>
    /// <exception cref="InsufficientMemoryException">The page table could not be allocated; the message says how many bytes it needed.</exception>
    /// <exception cref="UffdUnavailableException">
    /// No uffd the settings' UserModeOnly accepts could be created (by default one that serves kernel-mode faults, which
    /// an unprivileged user lacks); the message names the region, the cause on this machine and the fix.
    /// </exception>
    /// <exception cref="UffdException">
    /// The memory could not be mapped or registered, a needed feature is missing, or the process is out of file
    /// descriptors (the message names RLIMIT_NOFILE).
    /// </exception>
    public static FaultRegionEngine<TCallbacks> Open(TCallbacks callbacks, FaultRegionSettings settings)
    {
        RegionSetup.Validate(settings);
        RegionResources acquired = RegionResources.Acquire(settings, RegionSetup.ResolveMemory(settings));
        return Build(callbacks, settings, acquired, RegionSetup.RegisterModeOf(settings.Mode), beforeServing: null);
    }

    /// <summary>
    /// Builds the engine from what was acquired (released if that fails), then starts it; an engine that fails to
    /// start is disposed. <paramref name="beforeServing"/> sees the engine before its faults can be served.
    /// </summary>
    private static FaultRegionEngine<TCallbacks> Build(
        TCallbacks callbacks, FaultRegionSettings settings, RegionResources acquired, RegisterMode mode, Action<FaultRegionEngine<TCallbacks>>? beforeServing)
    {
        FaultRegionEngine<TCallbacks> engine;
        try
        {
            engine = new FaultRegionEngine<TCallbacks>(callbacks, settings, acquired);
        }
        catch
        {
            acquired.Release();
            throw;
        }

        try
        {
            beforeServing?.Invoke(engine);
            engine.Start(mode);

            // Read by the meter from now until Dispose removes it.
            RegionMetricsRegistry.Add(engine);
            return engine;
        }
        catch
        {
            // Dispose never throws, and undoes Start too: it leaves the dispatcher (and stops a private one) and
            // revokes the registration before it unmaps.
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Registers the memory and joins the dispatcher: from then on its threads serve the region's faults.</summary>
    private void Start(RegisterMode mode)
    {
        if (remote is not null)
        {
            StartRemote();
            return;
        }

        uffd.Register(memory!.Address, memory.Length, mode);
        if (asynchronousWriteProtect)
        {
            // Tracking starts at Open: every page is clean until written (WP_ASYNC implies WP_UNPOPULATED, so pages
            // never touched are protected too, and fills install protected).
            ChangeKernelProtection(0, PageCount, protect: true);
        }

        // Last: nobody can fault on the region before Open returns, and Dispose leaves the dispatcher only if joined.
        registration = dispatcher.Add(this);
    }

    /// <summary>The region's settings.</summary>
    public FaultRegionSettings Settings => settings;

    /// <summary>
    /// True when the region's uffd catches only faults raised in user mode (settings.UserModeOnly allowed or required
    /// it): a system call given a raw pointer to a page never touched then fails with EFAULT instead of waiting for the
    /// provider. The accessors are unaffected: they make pages present from native code first.
    /// </summary>
    public bool IsUserModeOnly => uffd.IsUserModeOnly;

    /// <summary>
    /// Start of the region. A raw address: dereferencing it from managed code can fault there and deadlock with the
    /// GC; pass it only to native code or to the runtime, and use the span accessors to touch the memory.
    /// </summary>
    public nint BaseAddress
    {
        get
        {
            ThrowIfDisposed();
            ThrowIfRemote(nameof(BaseAddress));
            return layout.BaseAddress;
        }
    }

    /// <summary>Length in bytes.</summary>
    public long Length => length;

    /// <summary>The mapping's page size.</summary>
    public int PageSize => pageSize;

    /// <summary>Number of pages.</summary>
    public long PageCount { get; }

    /// <summary>
    /// Start of the never-registered alias view of a Minor region (see <see cref="AliasSpan(long, int)"/>). A raw
    /// address like <see cref="BaseAddress"/>, but touching it never faults into a handler.
    /// </summary>
    /// <exception cref="InvalidOperationException">The region's mode has no Minor: it has no alias view.</exception>
    public nint AliasAddress
    {
        get
        {
            ThrowIfDisposed();
            ThrowIfNoAlias();
            return memory!.AliasAddress;
        }
    }

    /// <summary>The last exception a provider or write handler threw (ZeroFill and Poison policies), or null.</summary>
    public Exception? LastProviderError => Volatile.Read(ref lastProviderError);

    string IRegionMetricsSource.Name => settings.Name;

    /// <summary>Counters since the region was opened (also published by the <see cref="FaultRegionMetrics.MeterName"/> meter).</summary>
    public FaultRegionStatistics Statistics
    {
        get
        {
            long missingMessages = 0, minorMessages = 0, writeProtectMessages = 0;
            long filled = 0, zero = 0, poisoned = 0, write = 0, minor = 0, present = 0, retries = 0, errors = 0;

            foreach (RegionThreadState? h in CountingStates())
            {
                if (h is null)
                {
                    continue;
                }

                missingMessages += Volatile.Read(ref h.MissingMessages);
                minorMessages += Volatile.Read(ref h.MinorMessages);
                writeProtectMessages += Volatile.Read(ref h.WriteProtectMessages);
                filled += Volatile.Read(ref h.PagesFilled);
                zero += Volatile.Read(ref h.ZeroPages);
                poisoned += Volatile.Read(ref h.PoisonedPages);
                write += Volatile.Read(ref h.WriteFaults);
                minor += Volatile.Read(ref h.MinorFaults);
                present += Volatile.Read(ref h.AlreadyPresent);
                retries += Volatile.Read(ref h.Retries);
                errors += Volatile.Read(ref h.ProviderErrors);
            }

            write += Volatile.Read(ref leaseWriteUnprotects);
            errors += Volatile.Read(ref leaseWriteHandlerErrors);
            long messages = missingMessages + minorMessages + writeProtectMessages;
            return new FaultRegionStatistics(messages, filled, zero, poisoned, write, minor, present, retries, errors)
            {
                MissingMessages = missingMessages,
                MinorMessages = minorMessages,
                WriteProtectMessages = writeProtectMessages,
            };
        }
    }

    /// <summary>Write faults that a Protect overtook, so that the write handler ran again for the new epoch (for tests).</summary>
    internal long ReprotectedWrites => SumOverHandlers(static h => Volatile.Read(ref h.Reprotected));

    /// <summary>The uffd, for tests (fdinfo, direct ioctls).</summary>
    internal Userfaultfd Uffd => uffd;

    /// <summary>The dispatcher threads that serve the region, for tests (thread ids, CPUs, allocation samples).</summary>
    internal System.Collections.Generic.IReadOnlyList<DispatcherThread> Handlers => dispatcher.Threads;

    /// <summary>The dispatcher serving the region, for tests.</summary>
    internal FaultDispatcher Dispatcher => dispatcher;

    /// <summary>True once Dispose has begun.</summary>
    internal bool IsDisposing => Volatile.Read(ref state) != StateOpen;

    /// <summary>
    /// Bytes the dispatcher's threads had allocated at their last quiet point (see <see cref="DispatcherThread.AllocatedBytes"/>):
    /// with the shared dispatcher, serving every region of the process.
    /// </summary>
    internal long HandlerAllocatedBytes
    {
        get
        {
            long sum = 0;
            foreach (DispatcherThread t in dispatcher.Threads)
            {
                sum += Volatile.Read(ref t.AllocatedBytes);
            }

            return sum;
        }
    }

    private long SumOverHandlers(Func<RegionThreadState, long> counter)
    {
        long sum = 0;
        foreach (RegionThreadState? h in CountingStates())
        {
            sum += h is null ? 0 : counter(h);
        }

        return sum;
    }

    /// <summary>
    /// Every state that holds counters: one per dispatcher thread (null for a spare thread that never pumped the
    /// region), and, with an asynchronous provider, one per fetch (the installs of calls completed on other threads).
    /// </summary>
    private RegionThreadState?[] CountingStates() => fetches is null ? states : [.. states, .. fetches.States()];

    /// <summary>Drops pages (MADV_DONTNEED / MADV_REMOVE): the REMOVE event makes them missing, so the provider fills them again.</summary>
    /// <remarks>Tests only: it invalidates spans over the pages, which is why it is not public.</remarks>
    internal void Discard(long firstPage, long pageCount)
    {
        CheckPages(firstPage, pageCount);
        memory!.Discard(firstPage * pageSize, pageCount * pageSize);
    }

    private void CheckBytes(long offset, long length, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        ThrowIfDisposed();
        ThrowIfRemote(operation);
        if (offset < 0 || length < 0 || offset > this.length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"[{offset}, {offset + length}) is outside region '{settings.Name}' ({this.length} bytes).");
        }
    }

    private void CheckPages(long firstPage, long pageCount, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        ThrowIfDisposed();
        ThrowIfRemote(operation);
        if (firstPage < 0 || pageCount <= 0 || firstPage > PageCount - pageCount)
        {
            throw new ArgumentOutOfRangeException(nameof(firstPage),
                $"pages [{firstPage}, {firstPage + pageCount}) are outside region '{settings.Name}' ({PageCount} pages), or the range is empty.");
        }
    }

    /// <summary>
    /// Counts an access in; Dispose waits for the count to drop before unmapping. On a thread of the dispatcher that
    /// serves this region (a provider reading another region), the access may wait in a fault only that dispatcher
    /// serves: it tells the dispatcher, which runs a spare thread for as long as the access lasts. Returns that thread,
    /// else null, for <see cref="ExitAccess"/>: the answer is taken once, so the two always pair.
    /// </summary>
    /// <param name="mayWaitInFault">False for an access that touches no page of the region (a pagemap scan).</param>
    private DispatcherThread? EnterAccess(bool mayWaitInFault = true)
    {
        Interlocked.Increment(ref activeAccesses);
        if (Volatile.Read(ref state) != StateOpen)
        {
            Interlocked.Decrement(ref activeAccesses);
            throw new ObjectDisposedException($"FaultRegion '{settings.Name}'");
        }

        if (!mayWaitInFault || dispatcher.OwnThread() is not { } self)
        {
            return null;
        }

        dispatcher.EnterBlockingAccess(self);
        return self;
    }

    private void ExitAccess(DispatcherThread? waiter)
    {
        if (waiter is not null)
        {
            dispatcher.ExitBlockingAccess(waiter);
        }

        Interlocked.Decrement(ref activeAccesses);
    }

    /// <summary>
    /// EAGAIN answers in a row before an access or a protection change made on the caller's thread gives up (about
    /// 10 s with <see cref="BackOff"/>); the fault path defers instead (<c>.Install.cs</c>).
    /// </summary>
    private const int MaxRetryAttempts = 10_000;

    /// <summary>Waits before retrying an ioctl the kernel answered with EAGAIN: a yield at first, then 1 ms.</summary>
    private static void BackOff(int attempt)
    {
        if (attempt < 64)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref state) != StateOpen)
        {
            throw new ObjectDisposedException($"FaultRegion '{settings.Name}'");
        }
    }
}
