using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Two threads fault a 64 MiB MISSING range in page by page through <see cref="GcSafeMemory.ReadByte"/> (and discard
/// it to fault it again) while a third forces a GC every millisecond and a managed handler serves every fault with
/// COPY. A faulting access from managed code deadlocks this within seconds (bench/experiments/gc-suspension); through
/// native code it must not. A deadlock stalls every thread, this one's bounded joins included, so only the parent's
/// kill can catch it: this mode bounds what it can and prints <c>pages=N faults=N gcs=N</c> on success.
/// </summary>
internal static unsafe class GcPressureMode
{
    private const long Length = 64L << 20;
    private const int WaitMs = 10_000;
    private const byte Marker = 0xa5;

    public static int Run(double seconds)
    {
        // Disposed only on success: a failure path may leave a scanner running, and unmapping under it would crash.
        UffdMemory memory = UffdMemory.MapAnonymous(Length);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        int pageSize = memory.PageSize;
        byte* staging = (byte*)NativeMemory.AlignedAlloc((nuint)pageSize, (nuint)pageSize);
        new Span<byte>(staging, pageSize).Fill(Marker);

        long deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        bool TimeIsUp() => Stopwatch.GetTimestamp() >= deadline;

        using var stop = new UffdShutdownSignal();
        long faults = 0;
        string? handlerError = null;
        var handler = new Thread(() =>
        {
            var buffer = new UffdMessage[16];
            UffdWaitResult waited;
            while ((waited = uffd.WaitForMessages(stop, WaitMs)) == UffdWaitResult.MessagesAvailable)
            {
                int n = uffd.ReadMessages(buffer);
                for (int i = 0; i < n; i++)
                {
                    nint page = buffer[i].PageFault.PageStart(pageSize);
                    UffdResult result = uffd.Copy(page, (nint)staging, pageSize);
                    // No event is enabled, yet COPY can fail with EAGAIN and no progress: a scanner's MADV_DONTNEED
                    // may free the page table under it (CONFIG_PT_RECLAIM). The fault still waits: copy again.
                    for (long until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * WaitMs / 1000;
                         result.Outcome == UffdOutcome.RetryAfterEvents && Stopwatch.GetTimestamp() < until;)
                    {
                        result = uffd.Copy(page, (nint)staging, pageSize);
                    }

                    if (result.Outcome == UffdOutcome.AlreadyPresent)
                    {
                        // The other scanner's fault on this page was served first: its waiters still need a wake.
                        uffd.Wake(page, pageSize);
                    }
                    else if (result.IsDone)
                    {
                        faults++;
                    }
                    else
                    {
                        handlerError ??= $"COPY at +0x{page - memory.Address:x} gave {result}";
                    }
                }
            }

            if (waited != UffdWaitResult.ShutdownRequested)
            {
                handlerError ??= $"WaitForMessages returned {waited}";
            }
        }) { IsBackground = true, Name = "probe handler" };

        long pages = 0, wrongBytes = 0;
        Thread Scanner(int index) => new(() =>
        {
            long read = 0, wrong = 0;
            while (!TimeIsUp())
            {
                for (nint page = memory.Address; page < memory.Address + (nint)Length && !TimeIsUp(); page += pageSize)
                {
                    wrong += GcSafeMemory.ReadByte(page) == Marker ? 0 : 1;
                    read++;
                }

                memory.Discard(0, Length);
            }

            Interlocked.Add(ref pages, read);
            Interlocked.Add(ref wrongBytes, wrong);
        }) { IsBackground = true, Name = $"scanner {index}" };

        int gcsBefore = GC.CollectionCount(0);
        var collector = new Thread(() =>
        {
            var keep = new object[16];
            for (int i = 0; !TimeIsUp(); i++)
            {
                keep[i % keep.Length] = new byte[16 * 1024];
                GC.Collect();
                Thread.Sleep(1);
            }

            GC.KeepAlive(keep);
        }) { IsBackground = true, Name = "collector" };

        Thread[] scanners = { Scanner(0), Scanner(1) };
        handler.Start();
        collector.Start();
        foreach (Thread scanner in scanners)
        {
            scanner.Start();
        }

        int joinMs = (int)(seconds * 1000) + WaitMs;
        bool scanned = Array.TrueForAll(scanners, t => t.Join(joinMs));
        bool collected = collector.Join(WaitMs);
        int gcs = GC.CollectionCount(0) - gcsBefore;
        if (!scanned)
        {
            // Unregistering wakes a scanner blocked in a fault (it retries as an ordinary fault) so the process can exit.
            uffd.Unregister(memory.Address, memory.Length);
            return Program.Fail(Program.TimedOut, "a scanner is still blocked 10 s after the time was up");
        }

        stop.Signal();
        if (!handler.Join(WaitMs) || !collected)
        {
            return Program.Fail(Program.TimedOut, "the handler or the collector did not stop");
        }

        long total = uffd.ReadFdInfo().Total;
        uffd.Unregister(memory.Address, memory.Length);
        NativeMemory.AlignedFree(staging);
        memory.Dispose();
        if (handlerError is not null || wrongBytes != 0 || total != 0)
        {
            return Program.Fail(Program.Unexpected, $"handler: {handlerError ?? "ok"}, {wrongBytes} bytes without the marker, fdinfo total {total}");
        }

        Program.Print($"pages={pages} faults={faults} gcs={gcs}");
        return 0;
    }
}
