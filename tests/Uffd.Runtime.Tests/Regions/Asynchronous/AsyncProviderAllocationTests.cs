using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// An asynchronous provider whose tasks complete at once (a page already cached) takes the synchronous path: installed
/// on the handler thread, with nothing allocated there, as a synchronous provider's page is (RegionAllocationTests).
/// A call that completes later allocates nothing in the engine either: not on the handler thread that made it, not on
/// the thread that completes it and installs its pages.
/// </summary>
public sealed class AsyncProviderAllocationTests(ITestOutputHelper output)
{
    // What the measured run may allocate in all: no allocation per fault (the smallest object is 24 bytes, so one per
    // fault would be about 100 KB over these 4,000+ faults), but room for one transition of the runtime's own that
    // warm-up cannot always flush on a loaded machine: a loop replaced mid-run by on-stack replacement allocates 32
    // bytes on the thread that takes it (seen once in eight runs as nobody, in either test).
    private const long OneRuntimeTransition = 64;

    private const int RoundPages = 500;
    private const int MaxWarmupRounds = 10;
    private const int MeasuredPages = 8_000;

    [Fact]
    public void Tasks_completed_at_once_allocate_nothing_on_the_handler_threads()
    {
        const int Pages = RoundPages * MaxWarmupRounds + 2 + MeasuredPages;
        var provider = new AsyncProvider(Pages) { CompleteAtOnce = true, RecordContexts = false };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncNoAlloc", Pages) with { ReadAhead = 1, MaxPagesPerCall = 2 });

        int rounds = RegionAllocationTests.WarmUp(region, RoundPages, MaxWarmupRounds, () => region.HandlerAllocatedBytes);
        long before = region.HandlerAllocatedBytes;
        long messagesBefore = region.Statistics.Messages;
        const int First = RoundPages * MaxWarmupRounds + 2;

        RegionAllocationTests.TouchAll(region, First, MeasuredPages);
        region.SettledStatistics();

        long messages = region.Statistics.Messages - messagesBefore;
        output.WriteLine($"{rounds} warm-up rounds; {messages} faults, {region.HandlerAllocatedBytes - before} bytes allocated on the handler threads");
        Assert.True(messages >= MeasuredPages / 2, $"{messages} faults");
        Assert.InRange(region.HandlerAllocatedBytes - before, 0, OneRuntimeTransition);
        Assert.All(provider.Calls.Skip(First), calls => Assert.InRange(calls, 0, 1));
    }

    [Fact]
    public void Calls_completed_later_allocate_nothing_in_the_engine_on_either_thread()
    {
        const int Pages = RoundPages * MaxWarmupRounds + 2 + MeasuredPages;
        using var later = new LaterCompletions(capacity: FaultRegionSettings.DefaultMaxFaultsInFlight);
        using var region = FaultRegionEngine<LaterCallbacks>.Open(
            new LaterCallbacks(later), AsyncRegion.Settings("AsyncLaterNoAlloc", Pages) with { ReadAhead = 1, MaxPagesPerCall = 2 });

        // Steady state: two warm-up rounds in a row with nothing allocated (a call that completes later goes through
        // more code that tiered compilation promotes late than one that completes at once), each followed by a longer
        // pause (the completions run on a thread of their own, and a busy CI machine compiles late). Four faulting
        // threads in warm-up, two measured: the pool of fetches grows (once) to the most calls in flight at once, and
        // warm-up must reach more of them than the measured run can.
        int rounds = RegionAllocationTests.WarmUp(
            region, RoundPages, MaxWarmupRounds, () => region.HandlerAllocatedBytes + Volatile.Read(ref later.AllocatedInCompletions),
            threads: 4, cleanRounds: 2, settleMilliseconds: 500);
        long handlers = region.HandlerAllocatedBytes, completer = Volatile.Read(ref later.AllocatedInCompletions);
        long completions = Volatile.Read(ref later.Completions);
        const int First = RoundPages * MaxWarmupRounds + 2;

        RegionAllocationTests.TouchAll(region, First, MeasuredPages);
        region.SettledStatistics();

        long calls = Volatile.Read(ref later.Completions) - completions;
        output.WriteLine($"{rounds} warm-up rounds; {calls} calls completed later, {region.HandlerAllocatedBytes - handlers} bytes allocated " +
                         $"on the handler threads, {Volatile.Read(ref later.AllocatedInCompletions) - completer} in the completions");
        Assert.True(calls >= MeasuredPages / 2, $"{calls} calls");
        Assert.InRange(region.HandlerAllocatedBytes - handlers + Volatile.Read(ref later.AllocatedInCompletions) - completer, 0, OneRuntimeTransition);
    }
}
