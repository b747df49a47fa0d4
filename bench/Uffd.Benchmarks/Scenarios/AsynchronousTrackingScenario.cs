using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>What the timed part of an asynchronous-tracking scenario does.</summary>
internal enum TrackingPhase
{
    /// <summary>One byte written to every page through <c>AsSpan</c> in random order, then one collect.</summary>
    WritesAndCollect,

    /// <summary>The collect alone; every page was written in <c>Prepare</c>.</summary>
    Collect,

    /// <summary>
    /// The collect alone with no page written: what a call costs by itself, <see cref="Sizes.CleanCollectCalls"/> calls
    /// per run (one is too short to time).
    /// </summary>
    CollectNothingWritten,
}

/// <summary>
/// Asynchronous write tracking (<c>UFFD_FEATURE_WP_ASYNC</c>): every page is populated and protected in
/// <see cref="Prepare"/>; a write to a protected page is resolved by the kernel alone (no message, no handler), so the
/// writes go through a plain <c>AsSpan</c> at memory speed, and <c>CollectWrittenPages</c> reports the written pages
/// and protects them again in one <c>PAGEMAP_SCAN</c> walk.
/// </summary>
internal sealed class AsynchronousTrackingScenario(string name, long pages, TrackingPhase phase) : IFaultScenario
{
    // Runs per call, as many as the C reference's PAGEMAP_SCAN vector and the runtime's own scan batch.
    private readonly PageRange[] runs = new PageRange[64];
    private AsynchronousTrackingRegion? region;
    private long[]? order;
    private long messagesBeforeExecute;
    private long collected = -1;

    public void Prepare()
    {
        region = new AsynchronousTrackingRegion();
        region.Open(pages);
        // Populated, then protected, as the C reference's memset and UFFDIO_WRITEPROTECT: the timed writes are pure
        // write-protect faults, never first touches of unpopulated pages.
        byte[] page = new byte[region.PageSize];
        page.AsSpan().Fill(Patterns.Populated);
        for (long p = 0; p < pages; p++)
        {
            region.Write(p * region.PageSize, page);
        }

        region.Protect(0, pages);
        order = AccessOrder.Shuffled(pages, seed: 0x3A11);
        if (phase == TrackingPhase.Collect)
        {
            WriteEveryPage(region, order);
        }

        messagesBeforeExecute = region.Statistics.Messages;
    }

    public long Execute()
    {
        if (phase == TrackingPhase.WritesAndCollect)
        {
            WriteEveryPage(region!, order!);
        }

        int calls = phase == TrackingPhase.CollectNothingWritten ? Sizes.CleanCollectCalls : 1;
        collected = 0;
        for (int call = 0; call < calls; call++)
        {
            collected += CollectAll(region!, runs);
        }

        return pages * calls;
    }

    public void Finish()
    {
        AsynchronousTrackingRegion finishing = region!;
        region = null;
        using (finishing)
        {
            bool written = phase != TrackingPhase.CollectNothingWritten;
            RegionChecks.Equal(written ? pages : 0, collected, "pages the collect reported written", name);
            // The collect protected them again: a second one finds nothing.
            RegionChecks.Equal(0, CollectAll(finishing, runs), "pages written after the collect re-protected them", name);
            // The kernel resolved every write itself: no message reached a handler.
            RegionChecks.Equal(messagesBeforeExecute, finishing.Statistics.Messages, "fault messages", name);
            RegionChecks.Equal(0, finishing.Statistics.WriteFaults, "write faults served by handlers", name);
            byte first = written ? Patterns.Written : Patterns.Populated;
            for (long p = 0; p < pages; p++)
            {
                ReadOnlySpan<byte> bytes = finishing.AsReadOnlySpan(p * finishing.PageSize, finishing.PageSize);
                if (bytes[0] != first || bytes[1..].IndexOfAnyExcept(Patterns.Populated) >= 0)
                {
                    throw new InvalidOperationException($"{name}: page {p} does not hold 0x{first:x2} then 0x{Patterns.Populated:x2}.");
                }
            }
        }
    }

    // A plain store through the span: nothing the engine does makes the page wait for a handler, and the kernel
    // resolves the write-protect fault itself.
    private static void WriteEveryPage(AsynchronousTrackingRegion region, long[] order)
    {
        int pageSize = region.PageSize;
        foreach (long page in order)
        {
            region.AsSpan(page * pageSize, pageSize)[0] = Patterns.Written;
        }
    }

    private static long CollectAll(AsynchronousTrackingRegion region, PageRange[] runs)
    {
        long total = 0;
        int found;
        do
        {
            found = region.CollectWrittenPages(runs);
            for (int i = 0; i < found; i++)
            {
                total += runs[i].Count;
            }
        }
        while (found == runs.Length);

        return total;
    }
}
