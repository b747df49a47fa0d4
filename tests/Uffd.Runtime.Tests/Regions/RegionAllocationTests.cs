using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Metrics;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// The engine's fault path allocates nothing in steady state. Each handler thread samples its own allocation counter
/// at the end of every loop iteration; with all handlers idle in poll, the sum of the samples before and after
/// 5,000+ faults (12,000 pages, read-ahead 1) must be equal. Steady state means after the JIT has settled: tiered
/// compilation replacing the test's own (tier-0) provider can allocate once on a handler thread, later when the
/// machine is loaded, so warm-up continues in rounds until a whole round allocates nothing.
/// </summary>
public sealed class RegionAllocationTests(ITestOutputHelper output)
{
    private const int WarmupRoundPages = 500;
    private const int MaxWarmupRounds = 10;
    private const int WarmupPages = WarmupRoundPages * MaxWarmupRounds;
    private const int MeasuredPages = 12_000;

    // The measured pages sit at the end of the region, two pages after the warm-up area: read-ahead from the last
    // warm-up fault can never reach them, and theirs stops at the region's end, so their fill count is exact.
    private const int MeasuredFirst = WarmupPages + 2;

    /// <param name="listening">
    /// With a <see cref="System.Diagnostics.Metrics.MeterListener"/> that enables every instrument of the runtime's
    /// meter, so each fault is timed and recorded in the histogram: that path allocates nothing either (the listener's
    /// own callback allocates nothing; what an exporter's aggregation costs is the exporter's).
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Serving_thousands_of_faults_allocates_nothing_on_the_handler_threads(bool listening)
    {
        string name = listening ? "NoAllocTimed" : "NoAlloc";
        using MetricsCollector? collector = listening ? new MetricsCollector(timeRegion: name) : null;
        var recorder = new RegionRecorder(MeasuredFirst + MeasuredPages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings(name, MeasuredFirst + MeasuredPages) with { ReadAhead = 1 });

        int rounds = WarmUp(region, WarmupRoundPages, MaxWarmupRounds, () => region.HandlerAllocatedBytes);
        long before = region.HandlerAllocatedBytes;
        FaultRegionStatistics statsBefore = region.Statistics;
        long messagesBefore = statsBefore.Messages;

        TouchAll(region, MeasuredFirst, MeasuredPages);
        FaultRegionStatistics stats = region.SettledStatistics();
        long after = region.HandlerAllocatedBytes;

        output.WriteLine($"{rounds} warm-up rounds; messages {stats.Messages - messagesBefore}, pages {stats.PagesFilled}, allocated {after - before} bytes");
        Assert.Equal(MeasuredPages, stats.PagesFilled - statsBefore.PagesFilled);
        Assert.True(stats.Messages - messagesBefore >= 5_000, $"{stats.Messages - messagesBefore} messages");
        Assert.Equal(0, after - before);
        Assert.All(recorder.FillCalls.Skip(MeasuredFirst), calls => Assert.Equal(1, calls));
        Assert.All(recorder.FillCalls, calls => Assert.InRange(calls, 0, 1));
        if (collector is not null)
        {
            Assert.Equal(stats.Messages, collector.DurationCount);
        }
    }

    [Fact]
    public void The_measurement_sees_what_a_provider_allocates_on_a_handler_thread()
    {
        const int Pages = 200;
        var kept = new object[Pages];
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                kept[c.PageIndex] = new byte[1000];
                RegionRecorder.Pattern(c.PageIndex, page);
                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Allocates", Pages));
        region.SettledStatistics();
        long before = region.HandlerAllocatedBytes;

        TouchAll(region, 0, Pages);
        region.SettledStatistics();
        Assert.True(region.HandlerAllocatedBytes - before >= Pages * 1000L, $"measured {region.HandlerAllocatedBytes - before} bytes");
    }

    /// <summary>
    /// Warm-up rounds, each touching the next <paramref name="roundPages"/> pages with <paramref name="threads"/>
    /// threads, until <paramref name="cleanRounds"/> rounds in a row allocate nothing by <paramref name="allocated"/>'s
    /// count (at most <paramref name="maxRounds"/>; fails the test otherwise). Steady state means after the JIT has
    /// settled: tiered compilation replacing a (tier-0) method can allocate once on the thread running it, later when
    /// the machine is loaded, so each round is followed by a pause for the compilations it triggered. Returns the rounds run.
    /// </summary>
    internal static int WarmUp<TCallbacks>(
        FaultRegionEngine<TCallbacks> region, int roundPages, int maxRounds, Func<long> allocated,
        int threads = 2, int cleanRounds = 1, int settleMilliseconds = 200)
        where TCallbacks : struct, IFaultRegionCallbacks
    {
        int rounds = 0, clean = 0;
        long roundAllocated;
        do
        {
            long start = allocated();
            TouchAll(region, rounds * roundPages, roundPages, threads);
            region.SettledStatistics();
            roundAllocated = allocated() - start;
            Thread.Sleep(settleMilliseconds);
            rounds++;
            clean = roundAllocated == 0 ? clean + 1 : 0;
        }
        while (clean < cleanRounds && rounds < maxRounds);

        Assert.True(roundAllocated == 0, $"the fault path still allocated {roundAllocated} bytes in warm-up round {rounds}");
        return rounds;
    }

    /// <summary><paramref name="threads"/> threads touch every page of the range (one byte per page, native code), the pages interleaved.</summary>
    internal static void TouchAll<TCallbacks>(FaultRegionEngine<TCallbacks> region, int first, int count, int threads = 2)
        where TCallbacks : struct, IFaultRegionCallbacks
    {
        var faulters = Enumerable.Range(0, threads).Select(t => Faulter.Run(() =>
        {
            var one = new byte[1];
            for (int i = first + t; i < first + count; i += threads)
            {
                region.Read((long)i * region.PageSize + 8, one);
                if (one[0] != RegionRecorder.FillByte(i))
                {
                    return i;
                }
            }

            return -1;
        })).ToList();
        Assert.All(faulters, f => Assert.Equal(-1, f.Join(TimeSpan.FromSeconds(60))));
    }
}
