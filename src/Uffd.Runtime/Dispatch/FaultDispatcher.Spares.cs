using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;
using Uffd.Regions;

namespace Uffd.Dispatch;

/// <summary>
/// Spare threads: while handler threads of this dispatcher wait in a fault of a source this dispatcher serves (a
/// provider that reads another region, a layered image), as many spare threads run as there are such waits, so the
/// faults they wait for are always served. Without them, two providers reading another region would hold both of a
/// 2-CPU machine's threads, and the faults those reads take would never be served.
/// </summary>
/// <remarks>
/// The engine announces such a wait (<see cref="EnterBlockingAccess"/>) when a region's accessor runs on one of its
/// own dispatcher's threads; the count is exact, so no timer guesses at starvation. A spare thread is an ordinary
/// handler thread, unpinned, with its own epoll set holding every source; it leaves once it has been idle for
/// <see cref="SpareIdleMilliseconds"/> while the waits no longer need it, so an idle process keeps none.
/// </remarks>
internal sealed partial class FaultDispatcher
{
    /// <summary>At most this many spare threads at once; further waits are not compensated.</summary>
    public const int MaxSpareThreads = 64;

    /// <summary>How long a spare thread stays idle before it checks whether it is still needed.</summary>
    private const int SpareIdleMilliseconds = 100;

    // Handler threads waiting in a fault of a source of this dispatcher, and spare threads running.
    private int blockedThreads;
    private int spareThreads;

    // Spare threads started since the dispatcher was made (for tests).
    private long sparesStarted;

    /// <summary>Spare threads running now (for tests).</summary>
    public int SpareThreadCount => Volatile.Read(ref spareThreads);

    /// <summary>Spare threads started so far (for tests).</summary>
    public long SparesStarted => Interlocked.Read(ref sparesStarted);

    /// <summary>
    /// Called on a handler thread of this dispatcher before an access that may wait in a fault of a source it
    /// serves: makes sure a spare thread runs for every such wait. Pair with <see cref="ExitBlockingAccess"/>.
    /// </summary>
    /// <param name="self">The calling thread (<see cref="OwnThread"/>).</param>
    public void EnterBlockingAccess(DispatcherThread self)
    {
        // No fault is handed to a thread that may be waiting in one (FaultDispatcher.HandOff.cs).
        Interlocked.Increment(ref self.BlockingAccesses);

        // Always under the gate, where spares decide to leave: a count raised outside it could be missed by a spare
        // that is leaving, and the wait would go uncompensated. Only accesses made on the dispatcher's own threads
        // (a provider reading a region) come here, so the lock costs nothing on the fault path.
        lock (gate)
        {
            Interlocked.Increment(ref blockedThreads);
            while (spareThreads < Volatile.Read(ref blockedThreads) && spareThreads < MaxSpareThreads && disposed == 0)
            {
                if (!TryStartSpare())
                {
                    // Out of descriptors or threads: the access goes ahead uncompensated, as it would have anyway.
                    return;
                }
            }
        }
    }

    /// <summary>Ends what <see cref="EnterBlockingAccess"/> began; the spare threads leave once idle.</summary>
    public void ExitBlockingAccess(DispatcherThread self)
    {
        Interlocked.Decrement(ref blockedThreads);
        Interlocked.Decrement(ref self.BlockingAccesses);
    }

    /// <summary>Under the gate: one more spare thread, with every active source in its epoll set.</summary>
    private bool TryStartSpare()
    {
        int index = FreeSpareIndex();
        int epollFd = Epoll.epoll_create1(Epoll.EPOLL_CLOEXEC);
        if (epollFd < 0)
        {
            return false;
        }

        var spare = new DispatcherThread(this, index, cpu: -1, epollFd);
        bool ok = Epoll.Control(epollFd, Epoll.EPOLL_CTL_ADD, stop.DangerousGetFd(), Epoll.EPOLLIN, StopData) == 0;
        for (int i = 0; ok && i < usedSlots; i++)
        {
            Slot slot = slots[i];
            int generation = Volatile.Read(ref slot.Active);
            if (generation != 0)
            {
                ulong data = new FaultSourceRegistration(i, generation).EventData;
                ok = Epoll.Control(epollFd, Epoll.EPOLL_CTL_ADD, slot.Fd, Epoll.EPOLLIN, data) == 0;
            }
        }

        if (!ok)
        {
            spare.Dispose();
            return false;
        }

        // Listed before it starts: the thread finds itself in the list (OwnThread) from its first pump on, and the
        // gate keeps Add, Remove and the other spares from seeing it half made.
        DispatcherThread[] before = threads;
        Volatile.Write(ref threads, [.. before, spare]);
        spare.Thread = new Thread(Run) { IsBackground = true, Name = $"{Name} +{index - pinnedCount}" };
        try
        {
            DispatcherThreadStart.Start(spare.Thread, spare, Owner);
        }
        catch (Exception e) when (e is UffdException or InsufficientMemoryException)
        {
            Volatile.Write(ref threads, before);
            spare.Dispose();
            return false;
        }

        spareThreads++;
        sparesStarted++;
        return true;
    }

    /// <summary>Under the gate: the lowest thread index no running spare has.</summary>
    private int FreeSpareIndex()
    {
        for (int index = pinnedCount; ; index++)
        {
            bool used = false;
            foreach (DispatcherThread t in threads)
            {
                used |= t.Index == index;
            }

            if (!used)
            {
                return index;
            }
        }
    }

    /// <summary>
    /// On an idle spare thread: leaves (out of the thread list, its epoll set closed) when no wait needs it any more.
    /// False when it is still needed, or the dispatcher is being disposed (which joins and frees it).
    /// </summary>
    private bool TryDismiss(DispatcherThread t)
    {
        lock (gate)
        {
            if (disposed != 0 || Volatile.Read(ref blockedThreads) >= spareThreads)
            {
                return false;
            }

            DispatcherThread[] all = threads;
            int at = Array.IndexOf(all, t);
            DispatcherThread[] rest = new DispatcherThread[all.Length - 1];
            Array.Copy(all, rest, at);
            Array.Copy(all, at + 1, rest, at, all.Length - at - 1);
            Volatile.Write(ref threads, rest);
            spareThreads--;

            // Under the gate: no Add or Remove can be using its epoll fd number while it closes.
            t.Dispose();
            return true;
        }
    }
}
