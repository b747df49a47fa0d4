using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>Missing mode: every page is filled by the provider exactly once, with exactly its content.</summary>
public sealed class MissingFaultTests
{
    [Fact]
    public void Each_page_is_filled_once_with_exact_content_and_later_reads_do_not_call_the_provider()
    {
        const int Pages = 16;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Exact", Pages));

        Faulter.Run(() =>
        {
            for (int round = 0; round < 2; round++)
            {
                for (long i = 0; i < Pages; i++)
                {
                    Assert.True(RegionRecorder.HasPattern(i, region.ReadPage(i)), $"page {i}, round {round}");
                }
            }

            return 0;
        }).Join();

        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        FaultRegionStatistics stats = region.Statistics;
        Assert.Equal(Pages, stats.PagesFilled);
        Assert.Equal(Pages, stats.Messages);
        Assert.Equal(0, stats.ProviderErrors);
        Assert.NotEqual(0, recorder.ThreadIdSeen);
        Assert.Equal(0, region.Uffd.ReadFdInfo().Total);
    }

    [Fact]
    public void A_provider_that_writes_part_of_a_page_gets_zeros_elsewhere_never_the_previous_page()
    {
        (byte[] first, byte[] second) = FillWholeThenPartialPage("Partial", providerWritesWholePage: false);

        Assert.All(first, b => Assert.Equal(0xff, b));
        Assert.Equal(0x11, second[0]);
        Assert.All(second.Skip(1), b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_provider_that_writes_whole_pages_skips_the_zeroing_and_still_installs_exact_content_with_read_ahead()
    {
        const int Pages = 64;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("WholePages", Pages) with
        {
            HandlerThreads = 1, ReadAhead = 7, ProviderWritesWholePage = true,
        });

        List<long> wrong = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => (long)i)
            .Where(i => !RegionRecorder.HasPattern(i, region.ReadPage(i))).ToList()).Join();

        Assert.Empty(wrong);
        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        Assert.Equal(Pages, region.Statistics.PagesFilled);
    }

    [Fact]
    public void With_WritesWholePage_the_provider_gets_the_staging_buffer_as_the_previous_fill_left_it()
    {
        // The contract the opt-in accepts: nothing zeroes the buffer, so bytes a provider leaves unwritten are the
        // previous page's. This is why the default zeroes, and why the flag is only for providers that write all.
        (_, byte[] second) = FillWholeThenPartialPage("Stale", providerWritesWholePage: true);

        Assert.Equal(0x11, second[0]);
        Assert.All(second.Skip(1), b => Assert.Equal(0xff, b));
    }

    /// <summary>
    /// One handler fills page 0 completely (0xff) and then page 1's first byte only (0x11), into the same staging
    /// buffer; returns both pages as read back.
    /// </summary>
    private static (byte[] First, byte[] Second) FillWholeThenPartialPage(string name, bool providerWritesWholePage)
    {
        const int Pages = 2;
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                if (c.PageIndex == 0)
                {
                    page.Fill(0xff);
                }
                else
                {
                    page[0] = 0x11;
                }

                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings(name, Pages) with
        {
            HandlerThreads = 1, ProviderWritesWholePage = providerWritesWholePage,
        });

        return Faulter.Run(() => (region.ReadPage(0), region.ReadPage(1))).Join();
    }

    [Fact]
    public void Four_threads_faulting_overlapping_pages_in_random_order_see_exact_content_and_one_fill_per_page()
    {
        const int Pages = 256;
        const int Threads = 4;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Overlap", Pages) with { HandlerThreads = 2 });

        var faulters = Enumerable.Range(0, Threads).Select(t => Faulter.Run(() =>
        {
            var order = Enumerable.Range(0, Pages).ToArray();
            new Random(1000 + t).Shuffle(order);
            return order.Where(i => !RegionRecorder.HasPattern(i, region.ReadPage(i))).ToList();
        }, $"faulter {t}")).ToList();

        foreach (var faulter in faulters)
        {
            Assert.Empty(faulter.Join(TimeSpan.FromSeconds(60)));
        }

        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        FaultRegionStatistics stats = region.Statistics;
        Assert.Equal(Pages, stats.PagesFilled);
        Assert.True(stats.Messages >= Pages, $"{stats.Messages} messages for {Pages} pages");
        Assert.Equal(0, region.Uffd.ReadFdInfo().Total);
    }

    [Fact]
    public void Read_ahead_fills_the_following_pages_in_the_same_fault_and_touching_them_calls_nothing()
    {
        const int Pages = 32;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("ReadAhead", Pages) with { ReadAhead = 7, HandlerThreads = 1 });

        Faulter.Run(() => region.ReadPage(0)).Join();
        Assert.Equal(Enumerable.Repeat(1, 8).Concat(Enumerable.Repeat(0, Pages - 8)), recorder.FillCalls);
        Assert.Equal(new[] { 0 }.Concat(Enumerable.Repeat(1, 7)).Concat(Enumerable.Repeat(0, Pages - 8)), recorder.ReadAheadCalls);
        Assert.Equal(1, region.Statistics.Messages);
        Assert.Equal(8, region.Statistics.PagesFilled);

        Faulter.Run(() =>
        {
            for (long i = 0; i < 8; i++)
            {
                Assert.True(RegionRecorder.HasPattern(i, region.ReadPage(i)), $"page {i}");
            }

            return 0;
        }).Join();
        Assert.Equal(8, recorder.TotalFillCalls);
        Assert.Equal(1, region.Statistics.Messages);

        // Read-ahead stops at the region's end: a fault on 30 fills 30 and 31 only.
        Faulter.Run(() => region.ReadPage(30)).Join();
        Assert.Equal(10, recorder.TotalFillCalls);
        Assert.Equal(1, recorder.FillCalls[31]);
        Assert.Equal(10, region.Statistics.PagesFilled);
    }

    [Fact]
    public void Read_ahead_stops_at_a_present_page()
    {
        const int Pages = 16;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("ReadAheadStop", Pages) with { ReadAhead = 7, HandlerThreads = 1 });

        Faulter.Run(() => region.ReadPage(4)).Join();   // fills 4..11
        Faulter.Run(() => region.ReadPage(1)).Join();   // fills 1..3, stops at 4
        Assert.Equal(new[] { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, recorder.FillCalls);
        Assert.Equal(2, region.Statistics.Messages);
        for (long i = 1; i < 12; i++)
        {
            Assert.True(RegionRecorder.HasPattern(i, region.AsSpan(i * region.PageSize, region.PageSize)), $"page {i}");
        }
    }

    [Fact]
    public void Two_regions_alive_at_once_keep_their_own_content_and_statistics()
    {
        var a = new RegionRecorder(8);
        var b = new RegionRecorder(8);
        b.Filler = (in PageFaultContext c, Span<byte> page) =>
        {
            page.Fill((byte)(0xA0 + c.PageIndex));
            return PageFill.Filled;
        };
        using var first = TestRegion.Open(a, TestRegion.Settings("First", 8));
        using var second = TestRegion.Open(b, TestRegion.Settings("Second", 8));

        Faulter.Run(() =>
        {
            for (long i = 0; i < 8; i++)
            {
                Assert.True(RegionRecorder.HasPattern(i, first.ReadPage(i)));
            }

            for (long i = 0; i < 4; i++)
            {
                Assert.True(second.ReadPage(i).All(x => x == 0xA0 + i));
            }

            return 0;
        }).Join();

        Assert.Equal(8, first.Statistics.PagesFilled);
        Assert.Equal(4, second.Statistics.PagesFilled);
        Assert.Equal(8, a.TotalFillCalls);
        Assert.Equal(4, b.TotalFillCalls);
        Assert.NotEqual(first.BaseAddress, second.BaseAddress);
    }

    [Fact]
    public void A_partial_read_ahead_copy_keeps_the_page_someone_else_installed_and_installs_the_rest()
    {
        const int Pages = 8;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Partial", Pages) with { ReadAhead = 3, HandlerThreads = 1 });

        // Page 2 installed behind the engine's back: its table still says missing, so read-ahead claims it and the
        // 4-page COPY stops there (partial), finds it present, and continues with page 3.
        byte[] foreign = Enumerable.Repeat((byte)0x99, region.PageSize).ToArray();
        Assert.Equal(UffdOutcome.Done, region.Uffd.Copy(region.BaseAddress + 2 * region.PageSize, foreign).Outcome);

        Faulter.Run(() => region.ReadPage(0)).Join();
        Assert.Equal(new[] { 1, 1, 1, 1, 0, 0, 0, 0 }, recorder.FillCalls);
        // Settled: the partial COPY woke the reader of page 0 before page 2 was found present and uncounted.
        FaultRegionStatistics stats = region.SettledStatistics();
        Assert.Equal(3, stats.PagesFilled);
        Assert.Equal(1, stats.AlreadyPresent);
        Assert.Equal(1, stats.Messages);
        for (long i = 0; i < 4; i++)
        {
            ReadOnlySpan<byte> page = region.AsSpan(i * region.PageSize, region.PageSize);
            Assert.True(i == 2 ? page.IndexOfAnyExcept((byte)0x99) < 0 : RegionRecorder.HasPattern(i, page), $"page {i}");
        }
    }
}
