using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// An asynchronous provider in a Minor region: after its await it still sees the page-cache content through the
/// alias, edits it in place, and the page is mapped with CONTINUE when its task completes; a hole in a Minor | Missing
/// region goes through the same provider as a missing fault (COPY), and Zero clears a cached page before CONTINUE.
/// </summary>
public sealed class AsyncMinorFaultTests
{
    private const int Pages = 8;

    [Fact]
    public void The_provider_edits_the_cached_page_after_an_await_and_the_reader_sees_the_edit()
    {
        var seen = new byte[Pages];
        var callbacks = new DelegateCallbacks(async (context, page, cancellationToken) =>
        {
            await Task.Delay(1, cancellationToken);
            seen[context.PageIndex] = page.Span[0];
            page.Span[1] = (byte)(page.Span[0] ^ 0xFF);
            return context.PageIndex == 7 ? PageFill.Zero : PageFill.Filled;
        });
        using var region = FaultRegionEngine<DelegateCallbacks>.Open(callbacks, AsyncRegion.Settings("AsyncMinor", Pages, FaultMode.Minor));
        for (int i = 0; i < Pages; i++)
        {
            region.AliasSpan((long)i * region.PageSize, region.PageSize).Fill((byte)(0x10 + i));
        }

        byte[][] read = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => ReadPage(region, i)).ToArray()).Join();

        for (int i = 0; i < Pages - 1; i++)
        {
            Assert.Equal((byte)(0x10 + i), seen[i]);
            Assert.Equal((byte)(0x10 + i), read[i][0]);
            Assert.Equal((byte)((0x10 + i) ^ 0xFF), read[i][1]);
            Assert.True(read[i].AsSpan(2).IndexOfAnyExcept((byte)(0x10 + i)) < 0);
        }

        Assert.All(read[Pages - 1], b => Assert.Equal(0, b));
        Assert.Equal(Pages, region.Statistics.MinorFaults);
    }

    [Fact]
    public void In_a_minor_and_missing_region_holes_are_filled_by_the_same_asynchronous_provider()
    {
        var callbacks = new DelegateCallbacks(async (context, page, cancellationToken) =>
        {
            await Task.Yield();
            if (context.PageIndex % 2 == 0)
            {
                page.Span[0] ^= 0xFF;                                  // cached: edited in place
            }
            else
            {
                RegionRecorder.Pattern(context.PageIndex, page.Span);   // a hole: the staging buffer
            }

            return PageFill.Filled;
        });
        using var region = FaultRegionEngine<DelegateCallbacks>.Open(
            callbacks, AsyncRegion.Settings("AsyncMinorMissing", Pages, FaultMode.Minor | FaultMode.Missing));
        for (int i = 0; i < Pages; i += 2)
        {
            region.AliasSpan((long)i * region.PageSize, region.PageSize).Fill(0x21);
        }

        byte[][] read = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => ReadPage(region, i)).ToArray()).Join();

        for (int i = 0; i < Pages; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal(0x21 ^ 0xFF, read[i][0]);
                Assert.True(read[i].AsSpan(1).IndexOfAnyExcept((byte)0x21) < 0, $"page {i}");
            }
            else
            {
                Assert.True(RegionRecorder.HasPattern(i, read[i]), $"page {i}");
            }
        }

        FaultRegionStatistics stats = region.Statistics;
        Assert.Equal(Pages / 2, stats.MinorFaults);
        Assert.Equal(Pages / 2, stats.PagesFilled);
    }

    private static byte[] ReadPage(FaultRegionEngine<DelegateCallbacks> region, long index)
    {
        byte[] page = new byte[region.PageSize];
        region.Read(index * region.PageSize, page);
        return page;
    }

    /// <summary>Callbacks whose asynchronous provider is a delegate.</summary>
    internal readonly struct DelegateCallbacks(Func<PageFaultContext, Memory<byte>, CancellationToken, ValueTask<PageFill>> fill) : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page) => throw new NotSupportedException();

        public void OnWriteFault(in PageFaultContext context)
        {
        }

        public ValueTask<PageFill> FillPagesAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken) =>
            fill(context, pages, cancellationToken);
    }
}
