using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Uffd.Dispatch;

namespace Uffd.Regions;

/// <summary>
/// The start of the fault path (pump, then resolver, then install): the dispatcher calls <c>Pump</c> on one
/// of its threads when the region's uffd is readable. It reads the thread's <see cref="DispatcherThread.ReadBuffer"/>
/// (one message while other threads could take the next, see there), applies the events among them in the kernel's
/// order, and hands each page fault to the resolver. Only the pump reads the uffd: an install the
/// kernel answers with EAGAIN is deferred, and the pump retries it before reading anything else for the region on
/// that thread (the faults it reads meanwhile wait, in order, behind it).
/// </summary>
public sealed partial class FaultRegionEngine<TCallbacks> : IFaultSource
{
    int IFaultSource.Fd => uffd.Handle.DangerousGetFd();

    // AggressiveOptimization: jitted optimized up front. A tier-0 loop would be replaced mid-loop by on-stack
    // replacement, which allocated 32 bytes on a handler thread (docs/runtime.md, "What runs on the fault path").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool IFaultSource.Pump(DispatcherThread t)
    {
        RegionThreadState s = states[t.Index] ?? NewState(t.Index);
        try
        {
            if (s.HasDeferredWork && !ServeDeferred(s, t))
            {
                // Still waiting for the kernel: read on (the events are what it waits for), keep the faults.
                QueueBatch(s, t);
                return true;
            }

            int count = ReadBatch(t.ReadBuffer);
            long readAt = ReadClockIfTimed(count);
            for (int i = 0; i < count; i++)
            {
                if (t.Messages[i].Kind != UffdEventKind.PageFault)
                {
                    continue;
                }

                PageFaultEvent fault = t.Messages[i].PageFault;
                CountMessage(s, in fault);
                if (s.HasDeferredWork || !t.Owner.TryHandOff(t, in fault, readAt))
                {
                    ServeOrQueue(s, t, in fault, readAt);
                }
            }

            return s.HasDeferredWork;
        }
        catch (ObjectDisposedException) when (IsDisposing)
        {
            // Dispose gave up waiting and closed the uffd: nothing left to serve.
            return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    bool IFaultSource.ServeHandedOff(DispatcherThread t, in PageFaultEvent fault, long readAt)
    {
        RegionThreadState s = states[t.Index] ?? NewState(t.Index);
        try
        {
            ServeOrQueue(s, t, in fault, readAt);
            return s.HasDeferredWork;
        }
        catch (ObjectDisposedException) when (IsDisposing)
        {
            return false;
        }
    }

    /// <summary>
    /// Serves a fault, or queues it behind this thread's deferred install for the region, in order: a fault read (or
    /// handed over) while an install waits must not overtake it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ServeOrQueue(RegionThreadState s, DispatcherThread t, in PageFaultEvent fault, long readAt)
    {
        if (s.HasDeferredWork)
        {
            s.Queue(in fault, readAt);
        }
        else if (ServeFault(s, t, in fault, readAt) == ServeResult.Served)
        {
            Timed(in fault, readAt);
        }
    }

    /// <summary>A spare thread's first pump of the region: its state, made on that thread (the only one that uses it).</summary>
    private RegionThreadState NewState(int index)
    {
        var s = new RegionThreadState(stagingPages);
        Volatile.Write(ref states[index], s);
        return s;
    }

    /// <summary>The deferred install, then the faults queued behind it, in order; false when one defers again.</summary>
    private bool ServeDeferred(RegionThreadState s, DispatcherThread t)
    {
        if (s.HasPending && !RetryPendingSpinning(s, t))
        {
            return false;
        }

        int served = 0;
        try
        {
            for (; served < s.QueuedCount; served++)
            {
                PageFaultEvent fault = s.QueuedFault(served);
                long readAt = s.QueuedReadAt(served);
                if (ServeFault(s, t, in fault, readAt) == ServeResult.Deferred)
                {
                    served++;
                    return false;
                }

                Timed(in fault, readAt);
            }

            return true;
        }
        finally
        {
            s.Dequeue(served);
        }
    }

    /// <summary>
    /// Retries the deferred install, and keeps retrying for a few microseconds while reading events. The kernel lets
    /// installs through again only once the thread whose munmap, mremap or madvise posted the event has been woken
    /// and run (it ends the uffd's mmap_changing on its way out), a few microseconds after the event is read; a
    /// thread that repeats the call starts the next one right away. Retried only on the dispatcher's cadence, an
    /// install could miss that window every time while another thread discards pages in a loop.
    /// </summary>
    private bool RetryPendingSpinning(RegionThreadState s, DispatcherThread t)
    {
        for (int spin = 0; ; spin++)
        {
            PageInstall pending = s.Pending;
            ServeResult result = pending.Kind == InstallKind.RemoveWriteProtection
                ? RetryWriteProtect(s, t, in pending)
                : RetryPending(s);
            if (result == ServeResult.Served)
            {
                Timed(in pending.Fault, pending.ReadAt);
                return true;
            }

            if (spin == DeferredSpins)
            {
                return false;
            }

            QueueBatch(s, t);
            Thread.SpinWait(16);
        }
    }

    /// <summary>Retries of a deferred install within one pump, about 20 µs on this machine.</summary>
    private const int DeferredSpins = 32;

    /// <summary>A deferred unprotect is served again from the start (see <see cref="ServeWriteProtect"/>).</summary>
    private ServeResult RetryWriteProtect(RegionThreadState s, DispatcherThread t, in PageInstall pending)
    {
        s.HasPending = false;
        return ServeFault(s, t, in pending.Fault, pending.ReadAt);
    }

    /// <summary>While an install is deferred: reads a batch, applies its events, and queues its faults.</summary>
    private void QueueBatch(RegionThreadState s, DispatcherThread t)
    {
        int count = ReadBatch(t.Messages);
        long readAt = ReadClockIfTimed(count);
        for (int i = 0; i < count; i++)
        {
            if (t.Messages[i].Kind == UffdEventKind.PageFault)
            {
                PageFaultEvent fault = t.Messages[i].PageFault;
                CountMessage(s, in fault);
                s.Queue(in fault, readAt);
            }
        }
    }

    /// <summary>One increment per message, on the counter of its kind (what the meter reports by kind).</summary>
    private static void CountMessage(RegionThreadState s, in PageFaultEvent fault)
    {
        if (fault.IsWriteProtect)
        {
            s.WriteProtectMessages++;
        }
        else if (fault.IsMinor)
        {
            s.MinorMessages++;
        }
        else
        {
            s.MissingMessages++;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>'s length of messages and applies their events (REMOVE, UNMAP, REMAP) in
    /// the order the kernel delivered them, under <see cref="readGate"/>; the page faults among them are served
    /// afterwards, outside it. Returns 0 without reading when another thread holds the gate.
    /// </summary>
    /// <remarks>
    /// Every dispatcher thread is woken by the same readable uffd, so they meet here on nearly every fault. The one
    /// that finds the gate taken does not wait for it: whatever the reader leaves keeps the uffd readable, so going
    /// back to epoll loses nothing. Waiting would make the reader pay a futex wake on its
    /// way out, before it serves its fault: measured at about 4 µs on a 19 µs round trip (docs/performance.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReadBatch(Span<UffdMessage> buffer)
    {
        if (!Monitor.TryEnter(readGate))
        {
            return 0;
        }

        // Only the holder of the gate writes the sequence, so plain increments published with a volatile write do.
        Volatile.Write(ref eventSequence, eventSequence + 1);
        try
        {
            int count = uffd.ReadMessages(buffer);
            for (int i = 0; i < count; i++)
            {
                if (buffer[i].Kind != UffdEventKind.PageFault)
                {
                    ApplyEvent(in buffer[i]);
                }
            }

            return count;
        }
        finally
        {
            Volatile.Write(ref eventSequence, eventSequence + 1);
            Monitor.Exit(readGate);
        }
    }

    /// <summary>
    /// A Stopwatch timestamp for the faults just read when a listener has enabled the service-time histogram, else 0:
    /// with nobody listening the fault path does not even read the clock.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long ReadClockIfTimed(int count) => count > 0 && metered ? RegionMetrics.ClockIfTimed() : 0;

    /// <summary>Records a served fault's service time, when it was read with a timestamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Timed(in PageFaultEvent fault, long readAt)
    {
        if (readAt != 0)
        {
            RegionMetrics.RecordFault(readAt, in fault, regionTag);
        }
    }

    /// <summary>Applies an event (REMOVE, UNMAP, REMAP) read under the read gate; page faults are served by the pump.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyEvent(in UffdMessage message)
    {
        switch (message.Kind)
        {
            case UffdEventKind.Remove:
                OnRemove(message.Range);
                break;
            case UffdEventKind.Unmap:
                layout.Unmap(message.Range.Start, message.Range.End);
                break;
            case UffdEventKind.Remap:
                RemapEvent remap = message.Remap;
                layout.Remap(remap.From, remap.To, remap.Length);
                break;
            case UffdEventKind.Fork:
                OnFork(message.ForkChildFd);
                break;
            default:
                // Unknown future events carry nothing this engine serves.
                break;
        }
    }

    /// <summary>REMOVE: the kernel is about to drop these pages; their next fault must call the provider again.</summary>
    private void OnRemove(RangeEvent range)
    {
        foreach ((long first, long count) in layout.PagesIn(range.Start, range.End))
        {
            for (long p = first; p < first + count; p++)
            {
                pages.Removed(p);
            }
        }
    }
}
