using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// An asynchronous provider on the real kernel: exact content from several threads, one call per page however many
/// threads wait on it, many calls outstanding on few handler threads, the MaxFaultsInFlight bound, runs of pages per
/// call, and calls that complete at once.
/// </summary>
public sealed class AsyncProviderTests
{
    [Fact]
    public void Random_pages_read_from_several_threads_hold_exact_content_and_each_is_fetched_once()
    {
        const int Pages = 512;
        var provider = new AsyncProvider(Pages);
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncRandom", Pages));

        var readers = Enumerable.Range(0, 4).Select(t => new Faulter<List<long>>(() =>
        {
            long[] order = Enumerable.Range(0, Pages).Select(i => (long)i).ToArray();
            new Random(t).Shuffle(order);
            return order.Where(p => !RegionRecorder.HasPattern(p, region.ReadPage(p))).ToList();
        }, $"reader {t}").Start()).ToArray();

        Assert.All(readers, r => Assert.Empty(r.Join()));
        Assert.All(provider.Calls, calls => Assert.Equal(1, calls));
        Assert.Equal(Pages, region.Statistics.PagesFilled);
        Assert.Equal(0, region.Waiters());
    }

    [Fact]
    public void Sequential_reads_with_read_ahead_hold_exact_content()
    {
        const int Pages = 300;
        var provider = new AsyncProvider(Pages);
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncSequential", Pages) with { ReadAhead = 15, MaxPagesPerCall = 16 });

        List<long> wrong = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => (long)i)
            .Where(p => !RegionRecorder.HasPattern(p, region.ReadPage(p))).ToList()).Join();

        Assert.Empty(wrong);
        Assert.Equal(Pages, region.Statistics.PagesFilled);
        Assert.True(provider.TotalCalls <= Pages / 8, $"{provider.TotalCalls} calls for {Pages} sequential pages with runs of 16");
    }

    [Fact]
    public void Threads_faulting_on_a_page_being_fetched_join_that_fetch()
    {
        const int Pages = 8;
        const int Threads = 8;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new AsyncProvider(Pages) { Fetch = (_, ct) => gate.Task.WaitAsync(ct) };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncJoin", Pages));

        Faulter<bool>[] readers = AsyncRegion.ReadEach(region, Enumerable.Repeat(3L, Threads));
        Assert.True(Bounded.Until(() => region.Waiters() == Threads), $"{region.Waiters()} of {Threads} threads wait in the fault");

        Assert.Equal(1, provider.Outstanding);
        gate.SetResult();

        Assert.All(readers, r => Assert.True(r.Join()));
        Assert.Equal(1, provider.Calls[3]);
        Assert.Equal(1, provider.TotalCalls);
        Assert.Equal(1, region.Statistics.PagesFilled);
    }

    [Fact]
    public void Many_fetches_are_outstanding_at_once_on_one_handler_thread()
    {
        const int Pages = 32;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new AsyncProvider(Pages) { Fetch = (_, ct) => gate.Task.WaitAsync(ct) };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncMany", Pages) with { HandlerThreads = 1 });

        Faulter<bool>[] readers = AsyncRegion.ReadEach(region, Enumerable.Range(0, Pages).Select(i => (long)i));

        // One handler thread, and every fault's call is outstanding: none holds the thread while it waits.
        Assert.True(Bounded.Until(() => provider.Outstanding == Pages), $"{provider.Outstanding} of {Pages} calls outstanding");
        Assert.Single(region.Handlers);
        gate.SetResult();

        Assert.All(readers, r => Assert.True(r.Join()));
        Assert.All(provider.Calls, calls => Assert.Equal(1, calls));
    }

    [Fact]
    public void MaxFaultsInFlight_bounds_the_outstanding_calls_and_the_faults_beyond_it_are_served_after()
    {
        const int Pages = 12;
        const int Bound = 3;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new AsyncProvider(Pages) { Fetch = (_, ct) => gate.Task.WaitAsync(ct) };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncBound", Pages) with { MaxFaultsInFlight = Bound });

        Faulter<bool>[] readers = AsyncRegion.ReadEach(region, Enumerable.Range(0, Pages).Select(i => (long)i));
        Assert.True(Bounded.Until(() => region.Waiters() == Pages), $"{region.Waiters()} of {Pages} threads wait in the fault");
        Assert.True(Bounded.Until(() => provider.Outstanding == Bound), $"{provider.Outstanding} calls outstanding");
        Thread.Sleep(50);
        Assert.Equal(Bound, provider.Outstanding);
        Assert.Equal(Bound, provider.TotalCalls);

        gate.SetResult();
        Assert.All(readers, r => Assert.True(r.Join()));
        Assert.Equal(Bound, provider.MaxOutstanding);
        Assert.All(provider.Calls, calls => Assert.Equal(1, calls));
        Assert.Equal(0, region.Waiters());
    }

    [Fact]
    public void A_run_of_pages_is_fetched_by_one_call_and_installed_by_one_copy()
    {
        const int Pages = 64;
        var provider = new AsyncProvider(Pages);
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncRun", Pages) with { ReadAhead = 15, MaxPagesPerCall = 16 });

        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(0, region.ReadPage(0))).Join());

        PageFaultContext call = Assert.Single(provider.Contexts);
        Assert.Equal(0, call.PageIndex);
        Assert.Equal(16, call.PageCount);
        Assert.False(call.IsReadAhead);
        Assert.Equal(16, region.Statistics.PagesFilled);
        Assert.Equal(1, region.Statistics.Messages);

        // The other fifteen pages are present: reading them calls nothing.
        Assert.True(Faulter.Run(() => Enumerable.Range(0, 16).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());
        Assert.Single(provider.Contexts);
    }

    [Fact]
    public void Read_ahead_longer_than_a_call_starts_further_calls_for_the_rest()
    {
        const int Pages = 64;
        var provider = new AsyncProvider(Pages);
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncReadAheadCalls", Pages) with { ReadAhead = 31, MaxPagesPerCall = 8 });

        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(0, region.ReadPage(0))).Join());
        Assert.True(Bounded.Until(() => region.Statistics.PagesFilled == 32), $"{region.Statistics.PagesFilled} pages filled");

        PageFaultContext[] calls;
        lock (provider.Contexts)
        {
            calls = [.. provider.Contexts.OrderBy(c => c.PageIndex)];
        }

        Assert.Equal([0L, 8, 16, 24], calls.Select(c => c.PageIndex));
        Assert.All(calls, c => Assert.Equal(8, c.PageCount));
        Assert.Equal([false, true, true, true], calls.Select(c => c.IsReadAhead));
        Assert.True(Faulter.Run(() => Enumerable.Range(0, 32).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());
        Assert.Equal(4, provider.Contexts.Count);
    }

    [Fact]
    public void A_task_completed_at_once_is_installed_on_the_handler_thread_that_called()
    {
        const int Pages = 64;
        int[] installThreads = new int[Pages];
        var provider = new AsyncProvider(Pages) { Fetch = (_, _) => Task.CompletedTask };
        provider.Answer = context =>
        {
            installThreads[context.PageIndex] = Environment.CurrentManagedThreadId;
            return PageFill.Filled;
        };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncAtOnce", Pages) with { HandlerThreads = 1 });

        Assert.True(Faulter.Run(() => Enumerable.Range(0, Pages).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());

        int handler = region.Handlers[0].ManagedThreadId;
        Assert.All(installThreads, id => Assert.Equal(handler, id));
        Assert.Equal(Pages, region.Statistics.PagesFilled);
    }

    [Fact]
    public void A_synchronous_provider_with_MaxPagesPerCall_fills_a_run_in_one_call()
    {
        const int Pages = 64;
        var recorder = new RegionRecorder(Pages);
        var counts = new List<int>();
        recorder.Filler = (in PageFaultContext context, Span<byte> page) =>
        {
            lock (counts)
            {
                counts.Add(context.PageCount);
            }

            Assert.Equal(context.PageCount * context.PageSize, page.Length);
            for (int k = 0; k < context.PageCount; k++)
            {
                RegionRecorder.Pattern(context.PageIndex + k, page.Slice(k * context.PageSize, context.PageSize));
            }

            return PageFill.Filled;
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("SyncRuns", Pages) with { ReadAhead = 19, MaxPagesPerCall = 8 });

        Assert.True(Faulter.Run(() => Enumerable.Range(0, 20).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());

        // One fault: its call of 8 pages, then the read-ahead in calls of up to 8.
        Assert.Equal([8, 8, 4], counts);
        Assert.Equal(20, region.Statistics.PagesFilled);
        Assert.Equal(1, region.Statistics.Messages);
    }
}
