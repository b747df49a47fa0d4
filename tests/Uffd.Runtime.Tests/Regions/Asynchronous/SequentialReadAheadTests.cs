using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// ReadAheadMode.Sequential: random faults read nothing ahead, a scan's window grows from 8 pages to ReadAhead, and
/// several scans are followed at once; on a region, the provider sees small calls for random reads and large ones for
/// a scan.
/// </summary>
public sealed class SequentialReadAheadTests
{
    [Fact]
    public void A_run_grows_its_window_from_eight_pages_to_the_maximum_and_a_random_fault_reads_nothing_ahead()
    {
        var detector = new SequentialReadAhead(max: 100);

        Assert.Equal(0, detector.PagesAfter(1000));
        Assert.Equal(8, detector.PagesAfter(1001));      // right after the first fault: the run begins
        Assert.Equal(16, detector.PagesAfter(1010));     // where the 8 pages after 1001 end
        Assert.Equal(32, detector.PagesAfter(1027));
        Assert.Equal(64, detector.PagesAfter(1060));
        Assert.Equal(100, detector.PagesAfter(1125));    // capped
        Assert.Equal(100, detector.PagesAfter(1226));
        Assert.Equal(0, detector.PagesAfter(5));         // elsewhere: a new run, nothing ahead
    }

    [Fact]
    public void A_fault_a_page_or_two_past_the_end_still_continues_the_run_and_runs_are_followed_side_by_side()
    {
        var detector = new SequentialReadAhead(max: 64);
        Assert.Equal(0, detector.PagesAfter(0));
        Assert.Equal(0, detector.PagesAfter(10_000));
        Assert.Equal(8, detector.PagesAfter(2));         // gap of one page: still the run from 0
        Assert.Equal(8, detector.PagesAfter(10_001));    // the other run, unharmed
        Assert.Equal(16, detector.PagesAfter(13));       // 2 + 1 + 8 = 11, two pages later
        Assert.Equal(0, detector.PagesAfter(40));        // three pages past 37: not this run
    }

    [Fact]
    public void Random_reads_fetch_one_page_per_call_and_a_scan_fetches_growing_runs()
    {
        const int Pages = 2048;
        var provider = new AsyncProvider(Pages);
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncSequentialMode", Pages) with
        {
            ReadAhead = 127, MaxPagesPerCall = 32, ReadAheadMode = ReadAheadMode.Sequential,
        });

        // Random reads, far apart: one page each.
        long[] random = [1500, 300, 1900, 700, 1100];
        Assert.True(Faulter.Run(() => random.All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());
        Assert.Equal(random.Length, region.Statistics.PagesFilled);
        Assert.All(provider.Contexts, c => Assert.Equal(1, c.PageCount));

        // A scan of 1,024 pages: the windows grow to 128 pages, fetched 32 at a time.
        provider.Contexts.Clear();
        Assert.True(Faulter.Run(() => Enumerable.Range(0, 1024).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());
        PageFaultContext[] calls;
        lock (provider.Contexts)
        {
            calls = [.. provider.Contexts];
        }

        Assert.True(calls.Length < 64, $"{calls.Length} calls for a scan of 1,024 pages");
        Assert.Contains(calls, c => c.PageCount == 32);

        // No page fetched twice; all 1,024 present (300 and 700 since the random reads).
        int[] fetched = new int[Pages];
        foreach (PageFaultContext call in calls)
        {
            for (long p = call.PageIndex; p < call.PageIndex + call.PageCount; p++)
            {
                fetched[p]++;
            }
        }

        Assert.All(fetched, count => Assert.InRange(count, 0, 1));
        Assert.Equal(1024 - 2, fetched.Take(1024).Sum());
        // The last window may reach past the scan's end, by at most ReadAhead pages.
        Assert.InRange(region.Statistics.PagesFilled, 1024 + 3, 1024 + 3 + 127);
    }

    [Fact]
    public void A_synchronous_provider_scans_with_sequential_read_ahead_too()
    {
        const int Pages = 512;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("SyncSequentialMode", Pages) with
        {
            ReadAhead = 63, ReadAheadMode = ReadAheadMode.Sequential,
        });

        Assert.True(Faulter.Run(() => Enumerable.Range(0, Pages).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());

        // 0 (random), 1 (+8), 10 (+16), 27 (+32), 60 (+63), then +63 each: about 10 faults for 512 pages.
        Assert.InRange(region.Statistics.Messages, 8, 16);
        Assert.Equal(Pages, region.Statistics.PagesFilled);
        Assert.Equal(0, recorder.ReadAheadCalls[0]);
    }
}
