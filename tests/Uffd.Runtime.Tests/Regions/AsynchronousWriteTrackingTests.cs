using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// WriteTracking.Asynchronous (UFFD_FEATURE_WP_ASYNC): the kernel unprotects a written page itself and remembers it,
/// writers never wait for a handler, and CollectWrittenPages returns exactly the pages written since the last
/// collection and protects them again in the same PAGEMAP_SCAN walk.
/// </summary>
public sealed class AsynchronousWriteTrackingTests
{
    private static FaultRegionSettings Settings(string name, long pages, FaultMode mode = FaultMode.WriteProtect) =>
        TestRegion.Settings(name, pages, mode) with { WriteTracking = WriteTracking.Asynchronous };

    [Fact]
    public void Writes_through_spans_are_collected_exactly_once_and_reading_is_never_a_write()
    {
        const int Pages = 32;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, Settings("Async", Pages));
        Assert.Empty(region.CollectWrittenPages());

        Faulter.Run(() =>
        {
            Span<byte> all = region.AsSpan();
            foreach (int page in new[] { 1, 2, 3, 9, 31 })
            {
                all[page * region.PageSize + 17] = (byte)page;
            }

            return region.AsReadOnlySpan(20L * region.PageSize, region.PageSize)[5];   // a read: not reported
        }).Join();

        Assert.Equal(new[] { new PageRange(1, 3), new PageRange(9, 1), new PageRange(31, 1) }, region.CollectWrittenPages());
        Assert.Empty(region.CollectWrittenPages());
        Assert.Equal(0, region.Statistics.Messages);
        Assert.Equal(0, region.Statistics.WriteFaults);
        Assert.Equal(9, region.ReadPage(9)[17]);

        // A page written again after it was collected is reported again: protection was re-armed in the same walk.
        Faulter.Run(() =>
        {
            region.AsSpan(9L * region.PageSize, 1)[0] = 1;
            region.Write(12L * region.PageSize, new byte[] { 1 });
            return 0;
        }).Join();
        Assert.Equal(new[] { new PageRange(9, 1), new PageRange(12, 1) }, region.CollectWrittenPages());
    }

    [Fact]
    public void Pages_filled_by_the_provider_are_clean_until_written()
    {
        const int Pages = 16;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, Settings("AsyncMissing", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { ReadAhead = 2 });

        Faulter.Run(() =>
        {
            _ = region.AsReadOnlySpan(0, 8 * region.PageSize)[0];     // fills pages 0-7: not writes
            Span<byte> page5 = region.AsSpan(5L * region.PageSize, region.PageSize);
            page5[0] = 0xEE;                                           // a write to a filled page
            region.AsSpan(12L * region.PageSize, 40)[30] = 0xDD;      // fills page 12 (and reads ahead), then writes it
            return 0;
        }).Join();

        Assert.Equal(new[] { new PageRange(5, 1), new PageRange(12, 1) }, region.CollectWrittenPages());
        Assert.Equal(0xEE, region.ReadPage(5)[0]);
        byte[] page12 = region.ReadPage(12);
        Assert.Equal(0xDD, page12[30]);
        page12[30] = RegionRecorder.FillByte(12);
        Assert.True(RegionRecorder.HasPattern(12, page12), "the rest of a written page keeps the provider's content");
        Assert.All(recorder.FillCalls.Take(8), calls => Assert.Equal(1, calls));
        Assert.Equal(0, region.Statistics.WriteFaults);
    }

    [Fact]
    public void A_small_destination_is_filled_and_the_next_call_continues()
    {
        const int Pages = 64;
        using var region = TestRegion.Open(new RegionRecorder(Pages), Settings("Batches", Pages));
        int[] written = { 0, 4, 5, 6, 10, 20, 21, 40, 63 };
        Faulter.Run(() =>
        {
            foreach (int page in written)
            {
                region.AsSpan((long)page * region.PageSize, 1)[0] = 1;
            }

            return 0;
        }).Join();

        var collected = new List<PageRange>();
        Span<PageRange> two = stackalloc PageRange[2];
        int calls = 0;
        for (int found; (found = region.CollectWrittenPages(two)) > 0; calls++)
        {
            collected.AddRange(two[..found].ToArray());
        }

        Assert.Equal(3, calls);
        Assert.Equal(written.Select(p => (long)p), collected.SelectMany(r => Enumerable.Range((int)r.FirstPage, (int)r.Count)).Select(p => (long)p));
        Assert.Equal(6, collected.Count);   // 0 | 4-6 | 10 | 20-21 | 40 | 63
    }

    [Fact]
    public void Protect_marks_pages_clean_and_prefault_for_writing_reports_them()
    {
        const int Pages = 8;
        using var region = TestRegion.Open(new RegionRecorder(Pages), Settings("AsyncProtect", Pages));
        Faulter.Run(() =>
        {
            region.AsSpan()[3 * region.PageSize] = 3;
            return 0;
        }).Join();

        region.Protect(0, Pages);
        Assert.Empty(region.CollectWrittenPages());
        region.Prefault(6L * region.PageSize, region.PageSize, write: true);
        Assert.Equal(new[] { new PageRange(6, 1) }, region.CollectWrittenPages());
        Assert.Equal(3, region.ReadPage(3)[0]);
    }

    [Fact]
    public void Shared_memory_tracks_writes_too()
    {
        const int Pages = 8;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder,
            Settings("AsyncShared", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { Memory = RegionMemory.Shared });
        Faulter.Run(() =>
        {
            _ = region.AsReadOnlySpan()[0];
            region.AsSpan(2L * region.PageSize, 1)[0] = 2;
            return 0;
        }).Join();

        Assert.Equal(new[] { new PageRange(2, 1) }, region.CollectWrittenPages());
        Assert.True(RawPagemap.IsUffdWriteProtected(region.BaseAddress + 2 * region.PageSize), "collected pages are protected again");
        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
    }

    [Fact]
    public void Collecting_needs_asynchronous_tracking()
    {
        using var region = TestRegion.Open(new RegionRecorder(2), TestRegion.Settings("SyncOnly", 2, FaultMode.WriteProtect));
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => region.CollectWrittenPages());
        Assert.Contains("WriteTracking = Asynchronous", refused.Message);
        Assert.Throws<ArgumentException>(() => TestRegion.Open(new RegionRecorder(2), Settings("NoWp", 2, FaultMode.Missing)));
    }
}
