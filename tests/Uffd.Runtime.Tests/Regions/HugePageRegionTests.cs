using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>Memory = HugePages: 2 MiB pages, filled whole; Zero becomes a COPY of zeros (hugetlbfs has no ZEROPAGE).</summary>
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
}
