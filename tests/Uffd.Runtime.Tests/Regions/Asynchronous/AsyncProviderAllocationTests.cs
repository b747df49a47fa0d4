using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// An asynchronous provider whose tasks complete at once (a page already cached) takes the synchronous path: installed
/// on the handler thread, with nothing allocated there, as a synchronous provider's page is (RegionAllocationTests).
/// </summary>
public sealed class AsyncProviderAllocationTests(ITestOutputHelper output)
{
    private const int RoundPages = 500;
    private const int MaxWarmupRounds = 10;
    private const int MeasuredPages = 8_000;

    [Fact]
    public void Tasks_completed_at_once_allocate_nothing_on_the_handler_threads()
    {
        const int Pages = RoundPages * MaxWarmupRounds + 2 + MeasuredPages;
        var provider = new AsyncProvider(Pages) { CompleteAtOnce = true, RecordContexts = false };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncNoAlloc", Pages) with { ReadAhead = 1, MaxPagesPerCall = 2 });

        int rounds = 0;
        long roundAllocated;
        do
        {
            long start = region.HandlerAllocatedBytes;
            TouchAll(region, rounds * RoundPages, RoundPages);
            Settle(region);
            roundAllocated = region.HandlerAllocatedBytes - start;
            Thread.Sleep(200); // let background tier-1 compilations triggered by this round finish
            rounds++;
        }
        while (roundAllocated != 0 && rounds < MaxWarmupRounds);

        Assert.True(roundAllocated == 0, $"the handlers still allocated {roundAllocated} bytes in warm-up round {rounds}");
        long before = region.HandlerAllocatedBytes;
        long messagesBefore = region.Statistics.Messages;
        const int First = RoundPages * MaxWarmupRounds + 2;

        TouchAll(region, First, MeasuredPages);
        Settle(region);

        long messages = region.Statistics.Messages - messagesBefore;
        output.WriteLine($"{rounds} warm-up rounds; {messages} faults, {region.HandlerAllocatedBytes - before} bytes allocated on the handler threads");
        Assert.True(messages >= MeasuredPages / 2, $"{messages} faults");
        Assert.Equal(0, region.HandlerAllocatedBytes - before);
        Assert.All(provider.Calls.Skip(First), calls => Assert.InRange(calls, 0, 1));
    }

    private static void Settle(FaultRegionEngine<AsyncCallbacks> region) =>
        Assert.True(Bounded.Until(() => region.Handlers.All(h => Lifetime.ThreadProbe.IsInEpollWait(h.ThreadId))),
            "the dispatcher threads did not return to epoll_wait");

    /// <summary>Two threads read one byte of every page of the range (native code), the pages interleaved.</summary>
    private static void TouchAll(FaultRegionEngine<AsyncCallbacks> region, int first, int count)
    {
        var faulters = Enumerable.Range(0, 2).Select(t => Faulter.Run(() =>
        {
            var one = new byte[1];
            for (int i = first + t; i < first + count; i += 2)
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
