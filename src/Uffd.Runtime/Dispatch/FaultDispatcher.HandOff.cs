using System;
using System.Diagnostics;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Dispatch;

/// <summary>
/// Hand-offs: a handler that reads a fault raised on another CPU passes it to that CPU's handler instead of serving
/// it. Served from across CPUs, a fault costs an inter-processor interrupt to wake its thread (a VM exit in a guest),
/// the page is filled in the other CPU's cache, and the faulting CPU's own handler, woken for the same fault, found
/// nothing. With more faulting threads than CPUs the handlers hardly sleep: each reads whatever is queued when it
/// comes back, so about half the faults were read on the wrong CPU whatever the read size (docs/performance.md,
/// "Hand-offs").
/// </summary>
/// <remarks>
/// <para>
/// Which CPU a fault was raised on comes from the message's thread id (UFFD_FEATURE_THREAD_ID) and the CPU that
/// thread's last <see cref="GcSafeMemory"/> access recorded (<see cref="FaultingCpus.CpuOf"/>). Faults from other
/// code, from unrecorded threads, or with no pinned handler on that CPU are served where they are read.
/// </para>
/// <para>
/// A fault is handed only to a handler that will look at it soon: one waiting in epoll_wait (it is nudged through
/// its eventfd), or one that came out of epoll_wait less than <see cref="HandOffWindow"/> ago and so is not stuck in
/// a slow provider; never to a parked one, to the thread that raised the fault, or to one in an access that may wait
/// in a fault of this dispatcher (a provider reading a region: it may be waiting for this very fault). A handler looks
/// at its hand-offs before each pump and after each round of events, so a handed-off fault normally waits at most for
/// the pump in progress. Should that pump block (a provider that waits for a lock the faulting thread holds, say), the
/// sender takes the fault back after <see cref="HandOffTimeout"/> and serves it (any thread that handed something off
/// looks at every queue once that time has passed): a blocked receiver delays a hand-off by about that long, not for
/// as long as it blocks. The sender adds, then (after a full fence)
/// reads whether the receiver is waiting; the receiver marks itself waiting, then (after a full fence) looks at its
/// queue before it blocks: one of the two always sees the other, so no hand-off is left in a sleeping thread's queue.
/// A parking receiver checks its queue the same way after it marks itself parked.
/// </para>
/// </remarks>
internal sealed partial class FaultDispatcher
{
    /// <summary>How long a handler may have been busy and still take a hand-off (50 µs).</summary>
    internal static readonly long HandOffWindow = Stopwatch.Frequency / 20_000;

    /// <summary>How long a handed-off fault may wait before its sender takes it back (1 ms).</summary>
    internal static readonly long HandOffTimeout = Stopwatch.Frequency / 1_000;

    /// <summary>Hand-offs need another pinned handler to hand to.</summary>
    private bool HandsOff => pinnedCount > 1;

    /// <summary>
    /// Passes <paramref name="fault"/>, read by <paramref name="from"/> from the source it is pumping, to the handler
    /// of the CPU the fault was raised on, when that is another handler that will serve it soon; false when
    /// <paramref name="from"/> should serve it itself.
    /// </summary>
    internal unsafe bool TryHandOff(DispatcherThread from, in PageFaultEvent fault, long readAt)
    {
        if (!HandsOff || from.IsSpare)
        {
            return false;
        }

        int cpu = FaultingCpus.CpuOf(fault.ThreadId);
        if (cpu < 0 || cpu == from.Cpu || PinnedThreadOn(cpu) is not { } to || Volatile.Read(ref to.Parked)
            || to.ThreadId == fault.ThreadId || Volatile.Read(ref to.BlockingAccesses) != 0)
        {
            return false;
        }

        long now = Stopwatch.GetTimestamp();
        if (Volatile.Read(ref to.Waiting) == 0 && now - Volatile.Read(ref to.BusySince) > HandOffWindow)
        {
            return false;
        }

        // Counted first, so that the count is never behind the hand-offs already served.
        from.HandedOff++;
        if (!to.HandOffs.TryAdd(new HandedOffFault { SourceData = from.CurrentSourceData, Fault = fault, ReadAt = readAt, HandedAt = now }))
        {
            from.HandedOff--;
            return false;
        }

        if (from.ReclaimAt == 0)
        {
            from.ReclaimAt = now + HandOffTimeout;
        }

        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref to.Waiting) != 0 && to.Nudge is { } nudge)
        {
            ulong one = 1;
            Libc.write(nudge, &one, sizeof(ulong));
        }

        if (Volatile.Read(ref to.Parked))
        {
            to.ParkGate.Set();
        }

        return true;
    }

    /// <summary>
    /// Serves the faults handed to <paramref name="t"/>, oldest first, each through its source (unless removed since);
    /// taken one at a time, so that should one block, the others can still be taken back by their senders.
    /// </summary>
    private void ServeHandOffs(DispatcherThread t)
    {
        // The count first: most rounds have none, and it takes no lock.
        while (t.HandOffs.Count > 0 && t.HandOffs.TryTake(out HandedOffFault h))
        {
            ServeHandOff(t, in h);
        }
    }

    /// <summary>
    /// Once <see cref="DispatcherThread.ReclaimAt"/> has passed: takes back and serves every fault that has waited in
    /// another thread's hand-offs for longer than <see cref="HandOffTimeout"/>, then looks again later while some
    /// are still waiting.
    /// </summary>
    private void ReclaimHandOffs(DispatcherThread t)
    {
        long now = Stopwatch.GetTimestamp();
        if (now < t.ReclaimAt)
        {
            return;
        }

        bool waiting = false;
        DispatcherThread[] all = Volatile.Read(ref threads);
        for (int i = 0; i < pinnedCount; i++)
        {
            DispatcherThread other = all[i];
            if (other == t)
            {
                continue;
            }

            int count = other.HandOffs.TakeHandedBefore(now - HandOffTimeout, t.TakenBack);
            for (int k = 0; k < count; k++)
            {
                t.HandOffsReclaimed++;
                ServeHandOff(t, in t.TakenBack[k]);
            }

            waiting |= other.HandOffs.Count > 0;
        }

        t.ReclaimAt = waiting ? now + HandOffTimeout : 0;
    }

    /// <summary>
    /// Serves one handed-off fault through its source, unless the source was removed since (a source removed meanwhile
    /// was disposed: its region's shutdown wakes or revokes its faulting threads), and keeps the source's deferred work.
    /// </summary>
    private void ServeHandOff(DispatcherThread t, in HandedOffFault h)
    {
        try
        {
            if (EnterSlot(t, h.SourceData) is not { } source)
            {
                return;
            }

            t.HandOffsServed++;
            if (source.ServeHandedOff(t, in h.Fault, h.ReadAt))
            {
                t.Defer(h.SourceData);
            }
        }
        finally
        {
            LeaveSlot(t);
        }
    }

    /// <summary>The pinned handler thread on <paramref name="cpu"/>, if any.</summary>
    private DispatcherThread? PinnedThreadOn(int cpu)
    {
        DispatcherThread[] all = Volatile.Read(ref threads);
        for (int i = 0; i < pinnedCount; i++)
        {
            if (all[i].Cpu == cpu)
            {
                return all[i];
            }
        }

        return null;
    }
}
