using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Regions;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case tracking sync|async SECONDS</c>: an incremental checkpointer on top of write tracking, under load, for
/// SECONDS and at least <see cref="MinEpochs"/> epochs. Four
/// writers store unique values into their own slot of random pages; a checkpointer starts a new epoch every 5 ms
/// (synchronous: harvest the pages the write handler reported, Protect; asynchronous: CollectWrittenPages) and
/// copies the reported pages into a shadow; a thread forces GCs meanwhile. It counts writes the tracking never
/// reported in time and compares the shadow with the region byte for byte once the writers stop; both must be clean.
/// </summary>
/// <remarks>
/// The contract checked, per write: synchronous, a write that began after the k-th Protect returned is reported by a
/// write-handler call made after the k-th Protect began (the writer checks right after its store, since the handler
/// runs before the store lands); asynchronous, a write that began after the k-th collect returned is reported by a
/// collect after the k-th and no later than the first collect that begins after the store completed (checked at the
/// end, from what each side recorded).
/// </remarks>
internal static class WriteTrackingCase
{
    private const int Pages = 64;
    private const int Writers = 4;
    private const int Slot = sizeof(long);
    private static readonly TimeSpan Epoch = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan HandlerDelay = TimeSpan.FromMicroseconds(200);

    /// <summary>
    /// Epochs a run takes at least, however long that takes on a loaded machine (up to <see cref="MaxStretch"/> times
    /// SECONDS): enough Protects racing the writers for a lost write to show.
    /// </summary>
    public const int MinEpochs = 300;

    private const int MaxStretch = 6;

    public static int Run(string[] args)
    {
        if (args is not [("sync" or "async") and var mode, var secondsText]
            || !double.TryParse(secondsText, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            Console.Error.WriteLine("usage: case tracking sync|async <seconds>");
            return Program.Usage;
        }

        using (new GcPressure())
        {
            return mode == "sync" ? new Synchronous().Run(seconds) : new Asynchronous().Run(seconds);
        }
    }

    /// <summary>What both modes share: the writers, the shadow, the verdict.</summary>
    private abstract class Checkpointing
    {
        private readonly byte[] shadow = InitialImage();
        private volatile bool stop;
        private long writes;
        private long unreported;
        private int epochs;

        protected abstract ITortureRegion Region { get; }

        /// <summary>The checkpoint's base image: what the providers below fill each page with.</summary>
        private static byte[] InitialImage()
        {
            int pageSize = Environment.SystemPageSize;
            byte[] image = new byte[Pages * pageSize];
            for (int p = 0; p < Pages; p++)
            {
                image.AsSpan(p * pageSize, pageSize).Fill((byte)p);
            }

            return image;
        }

        protected abstract string Mode { get; }

        /// <summary>One write of <paramref name="value"/> into slot <paramref name="slot"/> of <paramref name="page"/>.</summary>
        protected abstract void Store(long page, int slot, long value);

        /// <summary>Starts an epoch; returns the pages to copy into the shadow.</summary>
        protected abstract List<long> NextEpoch();

        /// <summary>The epoch a writer reads before its store (the count of epochs begun, or returned, as the mode needs).</summary>
        protected abstract int EpochBeforeStore();

        /// <summary>Checks one store right after it (synchronous) or records it for the end (asynchronous); true when reported.</summary>
        protected abstract bool CheckAfterStore(int writer, long page, int epochBefore);

        /// <summary>The end-of-run checks of stores recorded by <see cref="CheckAfterStore"/>: how many were never reported.</summary>
        protected virtual long CountUnreportedAtEnd() => 0;

        protected void CountEpoch() => Interlocked.Increment(ref epochs);

        protected int Epochs => Volatile.Read(ref epochs);

        public int Run(double seconds)
        {
            int pageSize = Region.PageSize;
            var writerThreads = new Thread[Writers];
            for (int w = 0; w < Writers; w++)
            {
                int writer = w;
                writerThreads[w] = new Thread(() => Write(writer)) { IsBackground = true, Name = $"tort writer {w}" };
                writerThreads[w].Start();
            }

            var clock = Stopwatch.StartNew();
            while ((clock.Elapsed.TotalSeconds < seconds || Epochs < MinEpochs) && clock.Elapsed.TotalSeconds < seconds * MaxStretch)
            {
                Checkpoint(pageSize);
                Thread.Sleep(Epoch);
            }

            stop = true;
            foreach (Thread t in writerThreads)
            {
                t.Join();
            }

            // Writers are done: one last epoch copies what they reported since the previous one.
            Checkpoint(pageSize);
            byte[] now = new byte[shadow.Length];
            Region.Read(0, now);
            long unreportedAtEnd = CountUnreportedAtEnd();
            int differing = 0;
            for (int p = 0; p < Pages; p++)
            {
                if (!now.AsSpan(p * pageSize, pageSize).SequenceEqual(shadow.AsSpan(p * pageSize, pageSize)))
                {
                    differing++;
                }
            }

            long total = unreported + unreportedAtEnd;
            string line = $"tracking mode={Mode} seconds={seconds.ToString(CultureInfo.InvariantCulture)} writes={writes} epochs={Epochs} " +
                          $"unreported={total} shadow-differs={differing} gcs={GcPressure.Collections} stats={Region.Statistics}";
            bool ok = total == 0 && differing == 0 && writes > 0;
            Output.Line((ok ? "ok " : "fail ") + line);
            Region.Dispose();
            return ok ? 0 : Program.Failed;
        }

        private void Checkpoint(int pageSize)
        {
            foreach (long page in NextEpoch())
            {
                Region.Read(page * pageSize, shadow.AsSpan((int)(page * pageSize), pageSize));
            }
        }

        private void Write(int writer)
        {
            var random = new Random(writer + 1);
            long sequence = 0;
            while (!stop)
            {
                long page = random.Next(Pages);
                int before = EpochBeforeStore();
                Store(page, writer, ((long)(writer + 1) << 48) | ++sequence);
                Interlocked.Increment(ref writes);
                if (!CheckAfterStore(writer, page, before) && Interlocked.Increment(ref unreported) <= 5)
                {
                    Output.Line($"phase unreported write: writer {writer} page {page} after epoch {before}");
                }

                Thread.SpinWait(random.Next(50, 2000));
            }
        }
    }

    /// <summary>Synchronous tracking, the write handler 200 µs slow; writers use Write and span leases.</summary>
    private sealed class Synchronous : Checkpointing, IWriteReports
    {
        private readonly TrackedRegion region = new();
        private readonly int[] dirty = new int[Pages];
        private readonly int[] reportedAt = new int[Pages];
        private int protectsBegun;
        private int protectsReturned;

        public Synchronous()
        {
            region.Checkpointer = this;
            region.Open(Pages);
        }

        protected override ITortureRegion Region => region;

        protected override string Mode => "sync";

        /// <summary>The write handler: the page is dirty in the epoch begun last; then it takes its time.</summary>
        public void Reported(long page)
        {
            int epoch = Volatile.Read(ref protectsBegun);
            int seen;
            while ((seen = Volatile.Read(ref reportedAt[page])) < epoch
                   && Interlocked.CompareExchange(ref reportedAt[page], epoch, seen) != seen)
            {
            }

            Volatile.Write(ref dirty[page], 1);
            long until = Stopwatch.GetTimestamp() + (long)(HandlerDelay.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(20);
            }
        }

        protected override void Store(long page, int slot, long value)
        {
            Span<byte> bytes = stackalloc byte[Slot];
            MemoryMarshal.Write(bytes, in value);
            long offset = page * region.PageSize + slot * Slot;
            if ((slot & 1) == 0)
            {
                region.Write(offset, bytes);
                return;
            }

            using SpanLease lease = region.LeaseSpan(offset, Slot);
            bytes.CopyTo(lease.Span);
        }

        // Harvest before protecting: a report made after the harvest lands in the next one, and a write it let through
        // either lands before this Protect (so before the copy below) or faults again and is reported again.
        protected override List<long> NextEpoch()
        {
            var harvested = new List<long>();
            for (int p = 0; p < Pages; p++)
            {
                if (Interlocked.Exchange(ref dirty[p], 0) != 0)
                {
                    harvested.Add(p);
                }
            }

            Interlocked.Increment(ref protectsBegun);
            region.Protect(0, Pages);
            Interlocked.Increment(ref protectsReturned);
            CountEpoch();
            return harvested;
        }

        protected override int EpochBeforeStore() => Volatile.Read(ref protectsReturned);

        protected override bool CheckAfterStore(int writer, long page, int epochBefore) => Volatile.Read(ref reportedAt[page]) >= epochBefore;
    }

    /// <summary>Asynchronous tracking: writers store through spans (never faulting into a handler), the kernel records.</summary>
    private sealed class Asynchronous : Checkpointing
    {
        private const int MaxRecorded = 1 << 20;

        private readonly TrackedAsyncRegion region = new();
        private readonly List<int>[] reportedIn = new List<int>[Pages];
        private readonly (int Page, int After, int Before)[][] stores = new (int, int, int)[Writers][];
        private readonly int[] storeCount = new int[Writers];
        private int collectsBegun;
        private int collectsReturned;

        public Asynchronous()
        {
            for (int p = 0; p < Pages; p++)
            {
                reportedIn[p] = [];
            }

            for (int w = 0; w < Writers; w++)
            {
                stores[w] = new (int, int, int)[MaxRecorded];
            }

            region.Open(Pages);
        }

        protected override ITortureRegion Region => region;

        protected override string Mode => "async";

        protected override void Store(long page, int slot, long value) =>
            MemoryMarshal.Write(region.AsSpan(page * region.PageSize + slot * Slot, Slot), in value);

        protected override List<long> NextEpoch()
        {
            int index = Interlocked.Increment(ref collectsBegun);
            var collected = new List<long>();
            foreach (PageRange run in region.CollectWrittenPages())
            {
                for (long p = run.FirstPage; p < run.EndPage; p++)
                {
                    reportedIn[p].Add(index);
                    collected.Add(p);
                }
            }

            Interlocked.Increment(ref collectsReturned);
            CountEpoch();
            return collected;
        }

        protected override int EpochBeforeStore() => Volatile.Read(ref collectsReturned);

        protected override bool CheckAfterStore(int writer, long page, int epochBefore)
        {
            // The first collect to begin after the store completed is collectsBegun + 1: the store is reported by then.
            int n = storeCount[writer];
            if (n < MaxRecorded)
            {
                stores[writer][n] = ((int)page, epochBefore, Volatile.Read(ref collectsBegun) + 1);
                storeCount[writer] = n + 1;
            }

            return true;
        }

        protected override long CountUnreportedAtEnd()
        {
            long missing = 0;
            for (int w = 0; w < Writers; w++)
            {
                for (int i = 0; i < storeCount[w]; i++)
                {
                    (int page, int after, int latest) = stores[w][i];
                    List<int> reports = reportedIn[page];
                    int at = reports.BinarySearch(after + 1);
                    at = at < 0 ? ~at : at;
                    if (at >= reports.Count || reports[at] > latest)
                    {
                        if (++missing <= 5)
                        {
                            Output.Line($"phase unreported write: writer {w} page {page} after collect {after}, not reported by collect {latest}");
                        }
                    }
                }
            }

            return missing;
        }
    }
}

/// <summary>Where a synchronous region's write handler reports.</summary>
internal interface IWriteReports
{
    void Reported(long page);
}

/// <summary>Synchronous tracking over missing pages, without ProtectOnFill: fills race Protect too.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class TrackedRegion : ITortureRegion
{
    public IWriteReports? Checkpointer { get; set; }

    public RegionLog Log => throw new NotSupportedException();

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    [WriteHandler]
    private void OnWrite(long pageIndex) => Checkpointer!.Reported(pageIndex);
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class TrackedAsyncRegion : ITortureRegion, ITrackedWrites
{
    public RegionLog Log => throw new NotSupportedException();

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
}
