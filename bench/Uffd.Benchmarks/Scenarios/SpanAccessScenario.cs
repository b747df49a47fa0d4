using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>How the span-access scenarios touch a page from .NET.</summary>
internal enum PageAccess
{
    /// <summary><c>AsSpan(offset, pageSize)[0]</c>: the page made present from native code, then a plain load.</summary>
    AsSpan,

    /// <summary>The same through <c>AsReadOnlySpan</c>.</summary>
    AsReadOnlySpan,

    /// <summary><c>Read(offset, buffer)</c> of the whole page: a native copy that takes the fault inside it.</summary>
    ReadPage,

    /// <summary><c>Read(offset, buffer)</c> of the page's first byte only.</summary>
    ReadByte,
}

/// <summary>
/// One thread reads the first byte of every page of a MISSING region, in random or address order, through one of the
/// region's accessors. Fresh pages: each access to a page the handlers have not filled is a fault round trip (a span
/// accessor's <c>MADV_POPULATE_READ</c>, or the fault inside <c>Read</c>'s copy). Present pages: <see cref="Prepare"/>
/// makes every page present (one <c>Prefault</c>), and the timed part touches each again
/// <see cref="Sizes.PresentPasses"/> times, so a span accessor takes its fast path with no system call at all.
/// </summary>
internal sealed class SpanAccessScenario(string name, Func<ISpanAccessRegion> create, long pages, PageAccess access, bool sequential, bool present) : IFaultScenario
{
    private ISpanAccessRegion? region;
    private long[]? order;
    private byte[]? buffer;
    private long messagesBeforeExecute;

    public void Prepare()
    {
        region = create();
        region.Open(pages);
        order = sequential ? AccessOrder.Sequential(pages) : AccessOrder.Shuffled(pages, seed: 0x5BA7);
        buffer = new byte[access == PageAccess.ReadPage ? region.PageSize : 1];
        if (present)
        {
            // The first touch, untimed: one MADV_POPULATE_READ over the region, every page served by the handlers.
            region.Prefault(0, pages * region.PageSize);
            RegionChecks.FilledOnce(region, pages, name);
        }

        messagesBeforeExecute = region.Statistics.Messages;
    }

    public long Execute()
    {
        int passes = present ? Sizes.PresentPasses : 1;
        long wrong = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            wrong += access switch
            {
                PageAccess.AsSpan => ThroughSpan(region!, order!),
                PageAccess.AsReadOnlySpan => ThroughReadOnlySpan(region!, order!),
                _ => ThroughRead(region!, order!, buffer!),
            };
        }

        return wrong == 0 ? pages * passes : throw new InvalidOperationException($"{name}: {wrong} accesses read wrong bytes.");
    }

    public void Finish()
    {
        ISpanAccessRegion finishing = region!;
        region = null;
        using (finishing)
        {
            RegionChecks.FilledOnce(finishing, pages, name);
            if (present)
            {
                // The second touch found every page present: not one fault reached a handler.
                RegionChecks.Equal(messagesBeforeExecute, finishing.Statistics.Messages, "fault messages (timed second touch)", name);
            }

            RegionChecks.AllBytes(finishing.BaseAddress, pages * finishing.PageSize, Patterns.Fill, name);
        }
    }

    // One loop per accessor, so the timed loop has no branch the others lack. The span's first byte is read after
    // the accessor made the page present: that load never faults.
    private static long ThroughSpan(ISpanAccessRegion region, long[] order)
    {
        int pageSize = region.PageSize;
        long wrong = 0;
        foreach (long page in order)
        {
            wrong += region.AsSpan(page * pageSize, pageSize)[0] != Patterns.Fill ? 1 : 0;
        }

        return wrong;
    }

    private static long ThroughReadOnlySpan(ISpanAccessRegion region, long[] order)
    {
        int pageSize = region.PageSize;
        long wrong = 0;
        foreach (long page in order)
        {
            wrong += region.AsReadOnlySpan(page * pageSize, pageSize)[0] != Patterns.Fill ? 1 : 0;
        }

        return wrong;
    }

    private static long ThroughRead(ISpanAccessRegion region, long[] order, byte[] buffer)
    {
        int pageSize = region.PageSize;
        long wrong = 0;
        foreach (long page in order)
        {
            region.Read(page * pageSize, buffer);
            wrong += buffer[0] != Patterns.Fill ? 1 : 0;
        }

        return wrong;
    }
}
