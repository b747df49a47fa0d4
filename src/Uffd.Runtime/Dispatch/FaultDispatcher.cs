using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;
using Uffd.Regions;

namespace Uffd.Dispatch;

/// <summary>
/// Serves any number of uffds with a fixed pool of handler threads (issue 13): one per CPU of the process's
/// affinity by default, each pinned to its CPU and blocked in <c>epoll_wait</c> on its own epoll fd, which holds every
/// source's uffd, level-triggered, without <c>EPOLLEXCLUSIVE</c> (bench/experiments/wake-strategies: the handler on
/// the faulting CPU is woken with the others and usually serves first; exclusive or shared sets lose that locality).
/// Adding a source is one <c>epoll_ctl</c> per thread; no thread starts or stops with a source.
/// </summary>
/// <remarks>
/// An event's data is <c>slot | generation &lt;&lt; 32</c>. A handler enters a slot by writing its index into its own
/// <see cref="DispatcherThread.CurrentSlot"/> and only then checks that the slot is still active with that
/// generation; <see cref="Remove"/> deactivates the slot first and then waits until no thread's CurrentSlot names it.
/// Both steps are interlocked (full fences), so either the handler sees the slot inactive and skips it, or Remove
/// sees the handler and waits for it: once Remove returns, no handler is in the source's Pump and none will enter it,
/// and the slot can be reused. An event read before a Remove
/// and handled after the slot was reused carries the old generation and is skipped.
/// </remarks>
internal sealed partial class FaultDispatcher : IDisposable
{
    private const ulong StopData = ulong.MaxValue;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly object SharedGate = new();
    private static FaultDispatcher? shared;
    private static int sharedThreadCount;

    // The pinned threads, then the spare threads that run while pinned ones wait in a fault (see .Spares.cs). Copied
    // on write under the gate; readers take the array as it is.
    private DispatcherThread[] threads;
    private readonly int pinnedCount;
    private readonly FileDescriptorHandle stop;
    private readonly object gate = new();
    private readonly Stack<int> freeSlots = new();

    // Slots whose TryRemove timed out with a handler still inside the source's Pump: inactive, reclaimed by a later
    // Add once that handler has left.
    private readonly List<int> quarantined = [];
    private Slot[] slots = new Slot[16];
    private int usedSlots;
    private int disposed;

    /// <param name="threadCount">Handler threads; 0 for one per CPU of the process's affinity.</param>
    /// <param name="cpus">The CPUs to pin to, round-robin; null for the process's affinity.</param>
    /// <param name="region">The region this dispatcher serves alone (its threads are named after it), or null for a dispatcher of many.</param>
    /// <param name="parks">Whether a handler parks while the faults come from other CPUs (see FaultDispatcher.Parking.cs).</param>
    /// <param name="parkTimeout">How long a parked handler waits at most; null for <see cref="DefaultParkTimeout"/>.</param>
    /// <exception cref="UffdException">An epoll fd, the stop eventfd or a thread could not be had.</exception>
    public FaultDispatcher(int threadCount = 0, int[]? cpus = null, string? region = null, bool parks = false, TimeSpan? parkTimeout = null)
    {
        this.parks = parks;
        ParkTimeout = parkTimeout ?? DefaultParkTimeout;
        Name = region is null ? "uffd dispatch" : $"uffd {region}";
        Owner = region is null ? "The fault dispatcher" : $"Region '{region}'";
        ArgumentOutOfRangeException.ThrowIfNegative(threadCount);
        cpus ??= CpuAffinity.AllowedCpus(Environment.ProcessId);
        if (cpus.Length == 0)
        {
            throw new ArgumentException("At least one CPU is needed.", nameof(cpus));
        }

        int count = threadCount > 0 ? threadCount : cpus.Length;
        threads = new DispatcherThread[count];
        pinnedCount = count;
        int stopFd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        if (stopFd < 0)
        {
            throw new UffdException($"{Owner}: the fault dispatcher could not create its stop eventfd: {Errno.Describe(Marshal.GetLastPInvokeError())}.", Marshal.GetLastPInvokeError());
        }

        stop = new FileDescriptorHandle(stopFd, ownsHandle: true);
        try
        {
            for (int i = 0; i < count; i++)
            {
                int epollFd = Epoll.epoll_create1(Epoll.EPOLL_CLOEXEC);
                if (epollFd < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new UffdException($"{Owner}: the fault dispatcher could not create the epoll fd of handler #{i}: {Errno.Describe(errno)}.", errno);
                }

                threads[i] = new DispatcherThread(this, i, cpus[i % cpus.Length], epollFd);
                // The stop eventfd, level-triggered: once written it stays readable, so every thread sees it.
                int error = Epoll.Control(epollFd, Epoll.EPOLL_CTL_ADD, stopFd, Epoll.EPOLLIN, StopData);
                if (error != 0)
                {
                    throw new UffdException($"{Owner}: the fault dispatcher could not add its stop eventfd to handler #{i}'s epoll fd: {Errno.Describe(error)}.", error);
                }

                if (parks || HandsOff)
                {
                    AddNudge(threads[i]);
                }
            }

            foreach (DispatcherThread t in threads)
            {
                t.Thread = new Thread(Run) { IsBackground = true, Name = $"{Name} #{t.Index}" };
                DispatcherThreadStart.Start(t.Thread, t, Owner);
            }

            foreach (DispatcherThread t in threads)
            {
                if (!t.Started.Wait(StartTimeout))
                {
                    throw new UffdException($"{Owner}: handler thread #{t.Index} did not start within {StartTimeout.TotalSeconds} s.");
                }
            }

            if (parks)
            {
                FaultingCpus.Register(this);
            }
            else if (HandsOff)
            {
                FaultingCpus.Track();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The process-wide dispatcher, created on first use with <see cref="ConfigureShared"/>'s thread count (one per
    /// CPU by default). Its threads are background threads that live as long as the process and sleep while no fault
    /// is pending.
    /// </summary>
    public static FaultDispatcher Shared => Volatile.Read(ref shared) ?? CreateShared();

    /// <summary>
    /// The shared dispatcher's thread count: what it runs with once created, else what it will be created with
    /// (<see cref="ConfigureShared"/>'s count, else the runtime option's, else one per CPU of the process's affinity).
    /// </summary>
    /// <exception cref="InvalidOperationException">The runtime option is set, but not to a positive integer.</exception>
    public static int SharedThreadCount
    {
        get
        {
            lock (SharedGate)
            {
                return shared?.pinnedCount ?? PlannedThreadCount();
            }
        }
    }

    /// <summary>Under <see cref="SharedGate"/>: the count the shared dispatcher is created with.</summary>
    private static int PlannedThreadCount() =>
        sharedThreadCount > 0 ? sharedThreadCount : RegionDispatcher.ConfiguredByOption() ?? CpuAffinity.AllowedCpus(Environment.ProcessId).Length;

    /// <summary>True once <see cref="Shared"/> has been created.</summary>
    public static bool IsSharedCreated => Volatile.Read(ref shared) is not null;

    /// <summary>Sets the shared dispatcher's thread count (0: one per CPU); only before its first use.</summary>
    /// <exception cref="InvalidOperationException">The shared dispatcher already exists.</exception>
    public static void ConfigureShared(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threadCount);
        lock (SharedGate)
        {
            if (shared is not null)
            {
                throw new InvalidOperationException($"The fault dispatcher is already running with {shared.pinnedCount} threads; call RegionDispatcher.Configure (or set the Uffd.DispatcherThreads option) before the first region without HandlerThreads opens.");
            }

            sharedThreadCount = threadCount;
        }
    }

    private static FaultDispatcher CreateShared()
    {
        lock (SharedGate)
        {
            if (shared is null)
            {
                Volatile.Write(ref shared, new FaultDispatcher(PlannedThreadCount(), parks: true));
            }

            return shared;
        }
    }

    /// <summary>The threads' name (each thread's is this, then " #index"): "uffd dispatch", or "uffd " and the region's name.</summary>
    public string Name { get; }

    /// <summary>Who the threads serve, as errors name it: "The fault dispatcher", or "Region 'name'".</summary>
    public string Owner { get; }

    /// <summary>The handler threads running now, pinned ones first (for diagnostics and tests).</summary>
    public IReadOnlyList<DispatcherThread> Threads => Volatile.Read(ref threads);

    /// <summary>Handler threads now, spare threads included.</summary>
    public int ThreadCount => Volatile.Read(ref threads).Length;

    /// <summary>The pinned threads, indices 0..PinnedCount-1.</summary>
    public int PinnedCount => pinnedCount;

    /// <summary>The highest thread index plus one that any thread of this dispatcher can have: a source's per-thread state is indexed by it.</summary>
    public int MaxThreads => pinnedCount + MaxSpareThreads;

    /// <summary>
    /// The calling thread, if it is one of this dispatcher's threads; else null. Found by managed thread id among a
    /// handful of threads: a [ThreadStatic] would allocate its storage on every thread that asks, the first time.
    /// </summary>
    public DispatcherThread? OwnThread()
    {
        int id = Environment.CurrentManagedThreadId;
        foreach (DispatcherThread t in Volatile.Read(ref threads))
        {
            if (t.ManagedThreadId == id)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Sources registered now (a source whose TryRemove timed out is not counted).</summary>
    public int SourceCount
    {
        get
        {
            lock (gate)
            {
                return usedSlots - freeSlots.Count - quarantined.Count;
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="source"/>'s fd to every handler thread's epoll set; from then on a readable fd makes
    /// handler threads call its <see cref="IFaultSource.Pump"/>.
    /// </summary>
    /// <exception cref="UffdException">epoll_ctl failed (ENOSPC: <c>fs.epoll.max_user_watches</c>; EEXIST: the fd is already added); nothing stays added.</exception>
    public FaultSourceRegistration Add(IFaultSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        int fd = source.Fd;
        ArgumentOutOfRangeException.ThrowIfNegative(fd);

        int index;
        Slot slot;
        int generation;
        lock (gate)
        {
            ReclaimQuarantined();
            index = freeSlots.Count > 0 ? freeSlots.Pop() : NewSlot();
            slot = slots[index];
            generation = slot.Generation == int.MaxValue ? 1 : slot.Generation + 1;
            slot.Generation = generation;
            slot.Source = source;
            slot.Fd = fd;
            // Published after Source: a handler that reads this generation reads the source too.
            Volatile.Write(ref slot.Active, generation);

            // Under the gate, so a spare thread starting or leaving never misses the source nor is given it twice.
            ulong data = new FaultSourceRegistration(index, generation).EventData;
            DispatcherThread[] all = threads;
            for (int i = 0; i < all.Length; i++)
            {
                int error = Epoll.Control(all[i].EpollFd, Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN, data);
                if (error != 0)
                {
                    for (int j = 0; j < i; j++)
                    {
                        Epoll.Delete(all[j].EpollFd, fd);
                    }

                    Retire(index, slot, generation, Timeout.InfiniteTimeSpan);
                    throw new UffdException($"The fault dispatcher could not add fd {fd} to handler #{i}'s epoll set: {Errno.Describe(error)}.", error);
                }
            }
        }

        return new FaultSourceRegistration(index, generation);
    }

    /// <summary>
    /// Removes a source: deletes its fd from every epoll set and returns once no handler thread is inside its
    /// <see cref="IFaultSource.Pump"/>; none calls it afterwards. Call it before closing the source's fd.
    /// </summary>
    /// <exception cref="InvalidOperationException">The registration is not current (removed already, or never added), or Remove was called from inside the same source's Pump (it would wait for itself).</exception>
    public void Remove(FaultSourceRegistration registration) => TryRemove(registration, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// <see cref="Remove"/> with a bounded wait. Either way no handler enters the source's Pump again; false means a
    /// handler was still inside it when <paramref name="timeout"/> elapsed (a provider that hangs), so the caller must
    /// not free what Pump uses (as the engine keeps a mapping whose drain timed out). The slot is reused only once
    /// that handler has left.
    /// </summary>
    /// <exception cref="InvalidOperationException">As <see cref="Remove"/>.</exception>
    public bool TryRemove(FaultSourceRegistration registration, TimeSpan timeout)
    {
        Slot[] table = Volatile.Read(ref slots);
        if (!registration.IsValid || (uint)registration.Slot >= (uint)table.Length || table[registration.Slot] is not { } slot)
        {
            throw new InvalidOperationException($"{registration} is not a registration of this dispatcher.");
        }

        if (OwnThread() is { } self && self.CurrentSlot == registration.Slot)
        {
            throw new InvalidOperationException("A source cannot be removed from inside its own Pump: Remove waits until no handler is in it.");
        }

        if (Interlocked.CompareExchange(ref slot.Active, 0, registration.Generation) != registration.Generation)
        {
            throw new InvalidOperationException($"{registration} was removed already.");
        }

        // Errors are ignored: EBADF/ENOENT when the fd was closed first (the kernel dropped it from the sets when the
        // file was released); the slot is inactive either way, so nothing pumps the source again.
        lock (gate)
        {
            foreach (DispatcherThread t in threads)
            {
                if (t.EpollFd >= 0)
                {
                    Epoll.Delete(t.EpollFd, slot.Fd);
                }
            }
        }

        return Retire(registration.Slot, slot, registration.Generation, timeout);
    }

    /// <summary>
    /// Waits (up to <paramref name="timeout"/>) until no handler is inside the (already inactive) slot, then frees it
    /// for reuse; quarantines it on timeout.
    /// </summary>
    private bool Retire(int index, Slot slot, int generation, TimeSpan timeout)
    {
        Interlocked.Exchange(ref slot.Active, 0);
        if (IsPumped(index))
        {
            long start = Environment.TickCount64;
            long limit = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)timeout.TotalMilliseconds;
            var spin = default(SpinWait);
            while (IsPumped(index))
            {
                if (Environment.TickCount64 - start > limit)
                {
                    lock (gate)
                    {
                        quarantined.Add(index);
                    }

                    return false;
                }

                spin.SpinOnce();
            }
        }

        lock (gate)
        {
            if (slot.Generation == generation)
            {
                Free(index, slot);
            }
        }

        return true;
    }

    /// <summary>Whether a thread is inside slot <paramref name="index"/> (entered before it was deactivated).</summary>
    private bool IsPumped(int index)
    {
        foreach (DispatcherThread t in Volatile.Read(ref threads))
        {
            if (Volatile.Read(ref t.CurrentSlot) == index)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Under <see cref="gate"/>: frees the quarantined slots that no handler is inside any more.</summary>
    private void ReclaimQuarantined()
    {
        for (int i = quarantined.Count - 1; i >= 0; i--)
        {
            int index = quarantined[i];
            Slot slot = slots[index];
            if (!IsPumped(index))
            {
                quarantined.RemoveAt(i);
                Free(index, slot);
            }
        }
    }

    private void Free(int index, Slot slot)
    {
        slot.Source = null;
        slot.Fd = -1;
        freeSlots.Push(index);
    }

    /// <summary>Under <see cref="gate"/>: a new slot at the end of the table, grown by doubling.</summary>
    private int NewSlot()
    {
        Slot[] table = slots;
        if (usedSlots == table.Length)
        {
            Slot[] grown = new Slot[table.Length * 2];
            Array.Copy(table, grown, table.Length);
            table = grown;
        }

        table[usedSlots] = new Slot();
        // Handlers read the table without the lock; slots never move, so an old table still holds every slot it had.
        Volatile.Write(ref slots, table);
        return usedSlots++;
    }

    /// <summary>
    /// Stops the handler threads (bounded wait) and closes their epoll fds. Sources still registered are no longer
    /// served: remove them first. The shared dispatcher cannot be disposed.
    /// </summary>
    public void Dispose()
    {
        if (ReferenceEquals(this, Volatile.Read(ref shared)))
        {
            throw new InvalidOperationException("The shared fault dispatcher lives as long as the process.");
        }

        DispatcherThread[] all;
        lock (gate)
        {
            // Under the gate: no spare thread starts or leaves from here on.
            if (Interlocked.Exchange(ref disposed, 1) != 0)
            {
                return;
            }

            all = threads;
        }

        if (parks)
        {
            FaultingCpus.Unregister(this);
        }

        bool allEnded = true;
        if (!stop.IsInvalid && !stop.IsClosed)
        {
            SignalStop();
            UnparkAll();
            foreach (DispatcherThread? t in all)
            {
                // Unstarted is a flag (an unstarted background thread is Background | Unstarted), and a thread whose
                // Start failed stays unstarted: joining it would throw ThreadStateException.
                if (t?.Thread is { } thread && (thread.ThreadState & ThreadState.Unstarted) == 0 && !thread.Join(StartTimeout))
                {
                    allEnded = false;
                }
            }
        }

        // A thread that did not end (stuck in a Pump) keeps its buffers and epoll fd: freeing them under it would be worse.
        if (allEnded)
        {
            foreach (DispatcherThread? t in all)
            {
                t?.Dispose();
            }
        }

        stop.Dispose();
    }

    private unsafe void SignalStop()
    {
        ulong one = 1;
        Libc.write(stop, &one, sizeof(ulong));
    }

    /// <summary>One entry of the source table. Slots are never freed or moved, only reused.</summary>
    private sealed class Slot
    {
        public IFaultSource? Source;
        public int Fd = -1;

        /// <summary>The last generation handed out (under the dispatcher's gate).</summary>
        public int Generation;

        /// <summary>The generation events must carry to be pumped; 0 while the slot is free or being removed.</summary>
        public int Active;

    }
}
