using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Memory = HugePages: 2 MiB pages, filled whole; Zero becomes a COPY of zeros (hugetlbfs has no ZEROPAGE); spans
/// populate whole huge pages, and asynchronous write tracking works on them too.
/// </summary>
[Trait("Requires", "root")] // HugePageReservation raises vm.nr_hugepages, which only root may write.
public sealed class HugePageRegionTests : IClassFixture<HugePageReservation>
{
    [Fact]
    public void Huge_pages_are_filled_once_each_with_exact_content_and_zero_fills_work()
    {
        var recorder = new RegionRecorder(2)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                if (c.PageIndex == 1)
                {
                    page.Fill(0xEE);
                    return PageFill.Zero;
                }

                RegionRecorder.Pattern(c.PageIndex, page);
                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Huge", 2) with { Memory = RegionMemory.HugePages, HandlerThreads = 1 });
        Assert.Equal(2 * 1024 * 1024, region.PageSize);
        Assert.Equal(2L * region.PageSize, region.Length);

        byte[][] read = Faulter.Run(() => new[] { region.ReadPage(0), region.ReadPage(1), region.ReadPage(0) }).Join();
        Assert.True(RegionRecorder.HasPattern(0, read[0]));
        Assert.True(read[1].All(b => b == 0));
        Assert.Equal(read[0], read[2]);
        Assert.Equal(new[] { 1, 1 }, recorder.FillCalls);
        FaultRegionStatistics stats = region.Statistics;
        Assert.Equal(1, stats.PagesFilled);
        Assert.Equal(1, stats.ZeroPages);
    }

    [Fact]
    public void Spans_populate_whole_huge_pages_and_asynchronous_tracking_reports_writes_per_huge_page()
    {
        var recorder = new RegionRecorder(3);
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("HugeAsync", 3, FaultMode.Missing | FaultMode.WriteProtect) with
            {
                Memory = RegionMemory.HugePages,
                HandlerThreads = 1,
                WriteTracking = WriteTracking.Asynchronous,
            });

        Faulter.Run(() =>
        {
            ReadOnlySpan<byte> first = region.AsReadOnlySpan(100, 8);                  // fills huge page 0
            Span<byte> last = region.AsSpan(2L * region.PageSize + region.PageSize - 1, 1);
            last[0] = 0x99;                                                             // fills and writes huge page 2
            return first[0];
        }).Join();

        Assert.Equal(new[] { 1, 0, 1 }, recorder.FillCalls);
        Assert.Equal(new[] { new PageRange(2, 1) }, region.CollectWrittenPages());
        Assert.Empty(region.CollectWrittenPages());
        Assert.Equal(0x99, region.ReadPage(2)[^1]);
        Assert.True(RegionRecorder.HasPattern(0, region.ReadPage(0)));
    }
}
