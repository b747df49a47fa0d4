using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    // A private page registered on the same uffd before the region: its fault runs the whole read-decide-resolve
    // path once (with an internal fill, never the user's provider), so the first real fault does not wait for the JIT.
    private nint warmupPage;

    private void Start(RegisterMode mode)
    {
        foreach (RegionHandlerThread h in handlers)
        {
            h.Thread = new Thread(RunHandler)
            {
                IsBackground = true,
                Name = $"uffd {settings.Name} #{h.Index}",
            };
            RegionThreadStart.Start(h.Thread, h, settings.Name);
        }

        foreach (RegionHandlerThread h in handlers)
        {
            if (!h.Started.Wait(StartTimeout))
            {
                throw new UffdException($"Region '{settings.Name}': handler thread #{h.Index} did not start within {StartTimeout.TotalSeconds} s.");
            }
        }

        WarmUp();
        uffd.Register(memory.Address, memory.Length, mode);
        if (asynchronousWriteProtect)
        {
            // Tracking starts at Open: every page is clean until written (WP_ASYNC implies WP_UNPOPULATED, so pages
            // never touched are protected too, and fills install protected).
            ChangeKernelProtection(0, PageCount, protect: true);
        }
    }

    /// <summary>Faults a private page once and waits (bounded) for a handler to serve it.</summary>
    private void WarmUp()
    {
        using UffdMemory page = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        uffd.Register(page.Address, page.Length, RegisterMode.Missing);
        Volatile.Write(ref warmupPage, page.Address);
        byte value = 0xff;
        var toucher = new Thread(() => value = GcSafeMemory.ReadByte(page.Address)) { IsBackground = true, Name = $"uffd {settings.Name} warm-up" };
        bool served;
        try
        {
            RegionThreadStart.Start(toucher, null, settings.Name);
            served = toucher.Join(StartTimeout);
        }
        finally
        {
            // Unregistering wakes the toucher if nobody served it (it then reads an ordinary zero page and ends), and
            // leaves nothing registered behind a toucher that could not start.
            uffd.Unregister(page.Address, page.Length);
            Volatile.Write(ref warmupPage, 0);
        }

        if (!served && !toucher.Join(StartTimeout))
        {
            throw new UffdException($"Region '{settings.Name}': the warm-up fault was not served within {StartTimeout.TotalSeconds} s.");
        }

        if (!served || value != WarmupByte)
        {
            throw new UffdException($"Region '{settings.Name}': the warm-up fault was not served (read 0x{value:x2}).");
        }
    }

    private const byte WarmupByte = 0x5a;

    // AggressiveOptimization: jitted optimized up front. A tier-0 loop would be replaced mid-loop by on-stack
    // replacement, which allocated 32 bytes on a handler thread (docs/runtime.md, "What runs on the fault path").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunHandler(object? argument)
    {
        var h = (RegionHandlerThread)argument!;
        h.ThreadId = Libc.gettid();
        h.PinError = CpuAffinity.PinCurrentThread(h.Cpu);
        h.AllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
        h.Started.Set();
        try
        {
            while (uffd.WaitForMessages(stop) == UffdWaitResult.MessagesAvailable)
            {
                int count = ReadBatch(h, h.Messages);
                long readAt = ReadClockIfTimed(count);
                for (int i = 0; i < count; i++)
                {
                    if (h.Messages[i].Kind == UffdEventKind.PageFault)
                    {
                        ServeAndTime(h, h.Messages[i].PageFault, readAt);
                    }
                }

                DrainDeferred(h);
                // The quiet point: everything this thread allocated since the last sample was allocated serving faults.
                Volatile.Write(ref h.AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
            }
        }
        catch (ObjectDisposedException) when (IsDisposing)
        {
            // Dispose gave up waiting for this thread and closed the uffd: nothing left to serve.
        }
        catch (Exception e)
        {
            // A handler that stops leaves every later fault in the region hanging forever: fail loudly instead.
            Environment.FailFast($"uffd region '{settings.Name}': handler thread #{h.Index} failed, and faulting threads would hang. {e}", e);
        }
    }

    /// <summary>
    /// Reads one batch and applies its events (REMOVE, UNMAP, REMAP) in the order the kernel delivered them, under
    /// <see cref="readGate"/>; the page faults of the batch are served afterwards, outside it. Returns 0 without
    /// reading when another handler holds the gate.
    /// </summary>
    /// <remarks>
    /// Every handler is woken by the same readable uffd, so they meet here on nearly every fault. The one that finds
    /// the gate taken does not wait for it: the reader takes a whole batch, and whatever it leaves keeps the uffd
    /// readable, so going back to poll loses nothing. Waiting would make the reader pay a futex wake on its way out,
    /// before it serves its fault: measured at about 4 µs on a 19 µs round trip (docs/performance.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReadBatch(RegionHandlerThread h, Span<UffdMessage> buffer)
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
                    Dispatch(in buffer[i]);
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

    /// <summary>Serves a fault and, when it was read with a timestamp, records its service time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ServeAndTime(RegionHandlerThread h, PageFaultEvent fault, long readAt)
    {
        if (ServeFault(h, fault) && readAt != 0)
        {
            RegionMetrics.RecordFault(readAt, in fault, regionTag);
        }
    }

    /// <summary>Applies an event (REMOVE, UNMAP, REMAP) read under the read gate; page faults are served by the loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch(in UffdMessage message)
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
            default:
                // FORK is not negotiated; unknown future events carry nothing this engine serves.
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

    /// <summary>Serves the faults read while a resolution waited for events, in the order they came.</summary>
    private void DrainDeferred(RegionHandlerThread h)
    {
        // Serving one can defer more (appended at the end): the loop reaches them too. Only faults were kept.
        for (int i = 0; i < h.DeferredCount; i++)
        {
            ServeAndTime(h, h.Deferred[i].PageFault, h.DeferredReadAt[i]);
        }

        h.DeferredCount = 0;
    }

    /// <summary>
    /// A resolution got EAGAIN (an event is queued or still finishing): read what is queued, handle events now and
    /// keep faults for later (the staging buffer still holds the resolution being retried), then back off.
    /// </summary>
    private void ReadEventsDuringRetry(RegionHandlerThread h, int attempt)
    {
        int free = h.Deferred.Length - h.DeferredCount;
        if (free > 0)
        {
            int start = h.DeferredCount;
            int read = ReadBatch(h, h.Deferred.AsSpan(start, Math.Min(free, RegionHandlerThread.Batch)));
            long readAt = ReadClockIfTimed(read);
            int kept = start;
            for (int i = start; i < start + read; i++)
            {
                if (h.Deferred[i].Kind == UffdEventKind.PageFault)
                {
                    h.DeferredReadAt[kept] = readAt;
                    h.Deferred[kept++] = h.Deferred[i];
                }
            }

            h.DeferredCount = kept;
        }

        BackOff(attempt);
    }

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
}
