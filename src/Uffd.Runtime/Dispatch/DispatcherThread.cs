using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Dispatch;

/// <summary>
/// One handler thread of a <see cref="FaultDispatcher"/> and what it owns: its epoll fd (every source's uffd is in
/// it), its pinned CPU, and the buffers the sources it pumps reuse: a batch of messages and one page-aligned staging
/// buffer per page size, allocated on first use and kept for the life of the thread.
/// </summary>
/// <remarks>Only its own thread touches the buffers, so a source may use them freely inside <see cref="IFaultSource.Pump"/>.</remarks>
internal sealed unsafe class DispatcherThread : IDisposable
{
    /// <summary>Messages per read(2) of a source.</summary>
    public const int Batch = 64;

    /// <summary>Epoll events per epoll_wait.</summary>
    public const int EventBatch = 64;

    // Staging buffers by page size (base pages, then huge page sizes as sources ask for them: a handful at most),
    // each as long as the longest run of pages asked for with that size.
    private int[] stagingSizes = [];
    private int[] stagingCapacities = [];
    private nint[] stagingBuffers = [];

    // Sources whose Pump left work deferred (an install the kernel answered with EAGAIN): their event data, pumped
    // again after every wake-up until they report nothing deferred. Only this thread reads or writes them.
    private ulong[] deferred = new ulong[4];

    /// <param name="owner">The dispatcher.</param>
    /// <param name="index">See <see cref="Index"/>.</param>
    /// <param name="cpu">The CPU to pin to; -1 for a spare thread, which runs anywhere.</param>
    /// <param name="epollFd">The thread's own epoll fd, which it closes on Dispose.</param>
    public DispatcherThread(FaultDispatcher owner, int index, int cpu, int epollFd)
    {
        Owner = owner;
        Index = index;
        Cpu = cpu;
        EpollFd = epollFd;
        Events = (byte*)NativeMemory.Alloc((nuint)(EventBatch * Interop.Epoll.EventSize));
    }

    /// <summary>The dispatcher this thread serves.</summary>
    public FaultDispatcher Owner { get; }

    /// <summary>The thread's index: pinned threads 0..n-1, spare threads from n (an index is reused once its spare left).</summary>
    public int Index { get; }

    /// <summary>A spare thread: runs while handler threads wait in a fault (see FaultDispatcher.Spares.cs).</summary>
    public bool IsSpare => Cpu < 0;

    /// <summary>The CPU this thread pins itself to, or -1 (a spare thread).</summary>
    public int Cpu { get; }

    /// <summary>This thread's own epoll fd (-1 once disposed).</summary>
    public int EpollFd { get; private set; }

    /// <summary>The message buffer for <see cref="Userfaultfd.ReadMessages"/>: <see cref="Batch"/> messages.</summary>
    public UffdMessage[] Messages { get; } = new UffdMessage[Batch];

    /// <summary>
    /// What a pump reads: one message while the dispatcher has another thread that could take the next one, else a
    /// whole batch.
    /// </summary>
    /// <remarks>
    /// Every handler with the uffd in its set is woken by a fault, and the one on the faulting CPU runs first (it
    /// needs no inter-processor wake-up). Reading one message, each woken handler takes the oldest fault and leaves
    /// the next to the handler its own fault woke, so each CPU's faults stay with its own handler. A reader that
    /// took the whole batch served the other CPU's fault too, after its own, and woke that faulting thread from
    /// across CPUs while the other handler found nothing: with a faulting thread on each of 2 CPUs, 70 % of faults
    /// were served on their own CPU and a fault took 1.5 times as long (docs/performance.md, "One message per read").
    /// A slow provider call also holds up only its own fault, not the rest of a batch.
    /// </remarks>
    public Span<UffdMessage> ReadBuffer => Owner.ThreadCount > 1 ? Messages.AsSpan(0, 1) : Messages;

    /// <summary>epoll_wait's output buffer, native: <see cref="EventBatch"/> entries of <see cref="Interop.Epoll.EventSize"/> bytes.</summary>
    internal byte* Events { get; private set; }

    public Thread? Thread { get; set; }

    public ManualResetEventSlim Started { get; } = new();

    /// <summary>Environment.CurrentManagedThreadId of the thread, once started (0 before).</summary>
    public int ManagedThreadId;

    /// <summary>gettid() of the thread, once started.</summary>
    public int ThreadId { get; set; }

    /// <summary>0, or the errno of sched_setaffinity.</summary>
    public int PinError { get; set; }

    /// <summary>Pumps this thread has made (counted for tests and diagnostics; written by this thread only).</summary>
    public long Pumps;

    /// <summary>
    /// <c>GC.GetAllocatedBytesForCurrentThread()</c> sampled after each batch of events was handled (and once at
    /// start): between two samples, the difference is what this thread allocated dispatching and pumping.
    /// </summary>
    public long AllocatedBytes;

    /// <summary>The slot being pumped, or -1: written by this thread, read by Remove (which waits until no thread is in the slot).</summary>
    public int CurrentSlot = -1;

    /// <summary>The epoll data (slot and generation) of the source being pumped, for a fault it hands off.</summary>
    public ulong CurrentSourceData;

    /// <summary>Faults other handlers read and handed to this one, the handler of the CPU they were raised on.</summary>
    public HandOffQueue HandOffs { get; } = new();

    /// <summary>Where this thread puts the faults it takes back from other threads' hand-offs (only this thread uses it).</summary>
    public HandedOffFault[] TakenBack { get; } = new HandedOffFault[HandOffQueue.Capacity];

    /// <summary>
    /// 1 from just before epoll_wait until it returns: a thread handing a fault to this one then writes
    /// <see cref="Nudge"/>, so that a fault handed over while it sleeps is not left waiting (FaultDispatcher.HandOff.cs).
    /// </summary>
    public int Waiting;

    /// <summary>Stopwatch timestamp of this thread's last return from epoll_wait: how long it has been busy since.</summary>
    public long BusySince;

    /// <summary>Accesses in progress on this thread that may wait in a fault this dispatcher serves (a provider reading a region).</summary>
    public int BlockingAccesses;

    /// <summary>
    /// Stopwatch timestamp at which this thread looks for faults it handed off that are still waiting, and serves them
    /// itself; 0 when it has handed off nothing since it last looked.
    /// </summary>
    public long ReclaimAt;

    /// <summary>Faults this thread handed to another handler (written by this thread only).</summary>
    public long HandedOff;

    /// <summary>Handed-off faults that waited too long and that this thread took back and served (written by this thread only).</summary>
    public long HandOffsReclaimed;

    /// <summary>Handed-off faults this thread served (written by this thread only).</summary>
    public long HandOffsServed;

    /// <summary>Wake-ups of epoll_wait (each a sleep ended; written by this thread only).</summary>
    public long Wakeups;

    /// <summary>True while the thread is parked (FaultDispatcher.Parking.cs): it waits on <see cref="ParkGate"/>, not in epoll_wait.</summary>
    public bool Parked;

    /// <summary>Times the thread parked (written by this thread only).</summary>
    public long Parks;

    /// <summary>The last park ended by its timeout: look at the uffds without waiting, pump, then park again if still right.</summary>
    public bool LookBeforeParking;

    /// <summary>
    /// What a parked thread waits on; set by an access on its CPU or by Dispose. Never disposed: an access may still
    /// set it after the dispatcher is gone, and without a wait handle it holds nothing to free.
    /// </summary>
    public ManualResetEventSlim ParkGate { get; } = new(false, spinCount: 0);

    /// <summary>
    /// An eventfd in this thread's epoll set (dispatchers with more than one thread; else null): written to bring the
    /// thread out of epoll_wait so that it can park (FaultDispatcher.Parking.cs) or serve a fault handed to it
    /// (FaultDispatcher.HandOff.cs).
    /// </summary>
    public Interop.FileDescriptorHandle? Nudge { get; set; }

    /// <summary>A nudge was sent and the thread has not handled it yet (so it is sent once).</summary>
    public bool Nudged;

    /// <summary>Wake-ups with events since this thread last looked for handlers to nudge.</summary>
    public int SinceNudgeCheck;

    /// <summary>Sources with deferred work (see <see cref="IFaultSource.Pump"/>).</summary>
    public int DeferredCount { get; private set; }

    /// <summary>Rounds in a row that found deferred work: the first ones retry at once, later ones every millisecond.</summary>
    public int DeferredRounds { get; set; }

    /// <summary>The event data of deferred source <paramref name="i"/>.</summary>
    public ulong DeferredAt(int i) => deferred[i];

    /// <summary>Remembers a source with deferred work (once).</summary>
    public void Defer(ulong data)
    {
        for (int i = 0; i < DeferredCount; i++)
        {
            if (deferred[i] == data)
            {
                return;
            }
        }

        if (DeferredCount == deferred.Length)
        {
            // Rare (EAGAIN while several sources had events pending): growing allocates, once.
            Array.Resize(ref deferred, deferred.Length * 2);
        }

        deferred[DeferredCount++] = data;
    }

    /// <summary>Forgets deferred source <paramref name="i"/> (the last one takes its place).</summary>
    public void Undefer(int i)
    {
        deferred[i] = deferred[--DeferredCount];
        if (DeferredCount == 0)
        {
            DeferredRounds = 0;
        }
    }

    /// <summary>
    /// A page-aligned native buffer of at least <paramref name="pages"/> pages of <paramref name="pageSize"/> bytes,
    /// owned by this thread: for a source to fill pages in before UFFDIO_COPY (outside any registered range, so the
    /// copy never faults on its own source). Allocated on the first call for a size, and replaced (its content lost)
    /// by a longer one when more pages are asked for; call it on this thread only.
    /// </summary>
    public byte* Staging(int pageSize, int pages = 1)
    {
        int[] sizes = stagingSizes;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == pageSize)
            {
                if (stagingCapacities[i] < pages)
                {
                    NativeMemory.AlignedFree((void*)stagingBuffers[i]);
                    stagingBuffers[i] = 0;
                    stagingBuffers[i] = (nint)Allocate(pageSize, pages);
                    stagingCapacities[i] = pages;
                }

                return (byte*)stagingBuffers[i];
            }
        }

        byte* buffer = Allocate(pageSize, pages);
        // Grown by copy, then published: only this thread reads them, Dispose runs once the thread has ended.
        stagingBuffers = [.. stagingBuffers, (nint)buffer];
        stagingCapacities = [.. stagingCapacities, pages];
        stagingSizes = [.. stagingSizes, pageSize];
        return buffer;
    }

    private static byte* Allocate(int pageSize, int pages)
    {
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "A page size is a power of two.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pages);
        return (byte*)NativeMemory.AlignedAlloc((nuint)pageSize * (nuint)pages, (nuint)Math.Max(pageSize, Environment.SystemPageSize));
    }

    /// <summary>Frees the buffers and closes the epoll fd; only once the thread has ended (or never started).</summary>
    public void Dispose()
    {
        foreach (nint buffer in stagingBuffers)
        {
            NativeMemory.AlignedFree((void*)buffer);
        }

        stagingBuffers = [];
        stagingCapacities = [];
        stagingSizes = [];
        if (Events != null)
        {
            NativeMemory.Free(Events);
            Events = null;
        }

        if (EpollFd >= 0)
        {
            Interop.Libc.close(EpollFd);
            EpollFd = -1;
        }

        Nudge?.Dispose();

        Started.Dispose();
    }
}
