using System.IO;
using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions.Asynchronous;

/// <summary>
/// What an asynchronous provider's failures and Dispose come to: the error policies applied to faulted and cancelled
/// tasks, read-ahead that failed asked again when touched, and Dispose cancelling the calls without leaving a thread
/// blocked or a page silently zero-filled. (FailFast: ProviderFailFastTests, in a child process.)
/// </summary>
public sealed class AsyncProviderFailureTests
{
    [Fact]
    public void ZeroFill_maps_zeros_for_a_faulted_task_and_asks_again_for_the_read_ahead_of_that_call()
    {
        const int Pages = 16;
        var provider = new AsyncProvider(Pages);
        provider.Fetch = async (context, ct) =>
        {
            await Task.Delay(1, ct);
            if (context.PageIndex == 4 && provider.Calls[4] == 1)
            {
                throw new IOException("the store lost page 4");
            }
        };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncZeroFill", Pages) with
        {
            OnProviderError = ProviderErrorPolicy.ZeroFill, ReadAhead = 3, MaxPagesPerCall = 4,
        });

        byte[] failed = Faulter.Run(() => region.ReadPage(4)).Join();
        Assert.All(failed, b => Assert.Equal(0, b));
        Assert.IsType<IOException>(region.LastProviderError);
        Assert.Equal(1, region.Statistics.ProviderErrors);

        // Pages 5-7 were in the failed call: each is asked again when touched, and holds its content.
        Assert.True(Faulter.Run(() => Enumerable.Range(5, 3).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());
        Assert.Equal(1, provider.Calls[5]);
        Assert.Equal(1, provider.Calls[4]);
    }

    [Fact]
    public void A_task_cancelled_by_the_provider_itself_is_an_error_under_the_policy()
    {
        const int Pages = 4;
        var provider = new AsyncProvider(Pages)
        {
            Fetch = (context, _) => context.PageIndex == 2 ? Task.FromCanceled(new CancellationToken(canceled: true)) : Task.Delay(1),
        };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncOwnCancel", Pages) with { OnProviderError = ProviderErrorPolicy.ZeroFill });

        Assert.All(Faulter.Run(() => region.ReadPage(2)).Join(), b => Assert.Equal(0, b));
        Assert.IsAssignableFrom<OperationCanceledException>(region.LastProviderError);
        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(1, region.ReadPage(1))).Join());
    }

    [Fact]
    public void Read_ahead_calls_that_fail_leave_their_pages_to_be_asked_again_without_the_policy()
    {
        const int Pages = 16;
        var provider = new AsyncProvider(Pages);
        provider.Fetch = async (context, ct) =>
        {
            await Task.Delay(1, ct);
            if (context.IsReadAhead && provider.Calls[context.PageIndex] == 1)
            {
                throw new IOException("read-ahead lost");
            }
        };

        // FailFast: were the policy applied to read-ahead, the process would end.
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncReadAheadFails", Pages) with { ReadAhead = 7, MaxPagesPerCall = 4 });

        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(0, region.ReadPage(0))).Join());
        Assert.True(Bounded.Until(() => region.Statistics.ProviderErrors == 1), "the read-ahead call did not fail");
        Assert.True(Faulter.Run(() => Enumerable.Range(0, 8).All(p => RegionRecorder.HasPattern(p, region.ReadPage(p)))).Join());
        Assert.Equal(2, provider.Calls[4]);
    }

    [Fact]
    [Trait("Requires", "root")] // PagePoisonedException rests on MADV_POPULATE_READ, a kernel-mode fault (a user-mode-only uffd gets SIGBUS).
    public void Poison_poisons_the_page_of_a_faulted_task()
    {
        const int Pages = 4;
        var provider = new AsyncProvider(Pages) { Fetch = (context, _) => context.PageIndex == 1 ? Task.FromException(new IOException("gone")) : Task.Delay(1) };
        using var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncPoison", Pages) with
        {
            OnProviderError = ProviderErrorPolicy.Poison, UserModeOnly = UserModeOnlyPolicy.Forbid,
        });

        Assert.IsType<PagePoisonedException>(Faulter.Run(() => region.ReadError(1)).Join());
        Assert.Equal(1, region.Statistics.PoisonedPages);
        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(0, region.ReadPage(0))).Join());
    }

    [Fact]
    [Trait("Requires", "root")] // The waiting readers fail through MADV_POPULATE_READ, a kernel-mode fault (a user-mode-only uffd gets SIGBUS).
    public void Dispose_cancels_the_calls_and_every_waiting_reader_fails_with_ObjectDisposedException()
    {
        const int Pages = 8;
        var provider = new AsyncProvider(Pages) { Fetch = (_, ct) => Task.Delay(Timeout.Infinite, ct) };
        var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncDispose", Pages) with
        {
            MaxFaultsInFlight = 2, UserModeOnly = UserModeOnlyPolicy.Forbid,
        });

        // Four readers: two calls outstanding, two faults queued behind the bound.
        Faulter<Exception?>[] readers = Enumerable.Range(0, 4).Select(p => Faulter.Run(() => region.ReadError(p), $"reader {p}")).ToArray();
        Assert.True(Bounded.Until(() => region.Waiters() == 4 && provider.Outstanding == 2), $"{region.Waiters()} waiting, {provider.Outstanding} calls");

        region.Dispose();

        Assert.All(readers, r => Assert.IsType<ObjectDisposedException>(r.Join()));
        Assert.Equal(2, provider.Cancelled);
        Assert.Equal(0, provider.Outstanding);
        Assert.Equal(2, provider.TotalCalls);
    }

    [Fact]
    public void Dispose_cancels_read_ahead_nobody_waits_on_and_returns()
    {
        const int Pages = 16;
        var provider = new AsyncProvider(Pages)
        {
            Fetch = (context, ct) => context.IsReadAhead ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask,
        };
        var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncDisposeReadAhead", Pages) with { ReadAhead = 8, MaxPagesPerCall = 2 });

        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(0, region.ReadPage(0))).Join());
        Assert.True(Bounded.Until(() => provider.Outstanding == 4), $"{provider.Outstanding} read-ahead calls outstanding");

        region.Dispose();

        Assert.Equal(4, provider.Cancelled);
        Assert.Equal(0, provider.Outstanding);
        Assert.Throws<ObjectDisposedException>(() => region.BaseAddress);
    }

    [Fact]
    public void Dispose_waits_for_a_call_that_ignores_cancellation_and_its_late_completion_is_harmless()
    {
        const int Pages = 8;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new AsyncProvider(Pages) { Fetch = (context, _) => context.IsReadAhead ? release.Task : Task.CompletedTask };
        var region = AsyncRegion.Open(provider, AsyncRegion.Settings("AsyncIgnoresCancel", Pages) with { ReadAhead = 1 });
        Assert.True(Faulter.Run(() => RegionRecorder.HasPattern(0, region.ReadPage(0))).Join());
        Assert.True(Bounded.Until(() => provider.Outstanding == 1), "the read-ahead call is not outstanding");

        TimeSpan saved = FaultRegionEngine<AsyncCallbacks>.DrainTimeout;
        FaultRegionEngine<AsyncCallbacks>.DrainTimeout = TimeSpan.FromMilliseconds(200);
        try
        {
            // The call is still outstanding: Dispose waits for it, up to its bound (never less: it cannot return early).
            var disposing = System.Diagnostics.Stopwatch.StartNew();
            region.Dispose();
            Assert.True(disposing.Elapsed >= TimeSpan.FromMilliseconds(190), $"Dispose returned after {disposing.Elapsed.TotalMilliseconds} ms");
            Assert.Equal(1, provider.Outstanding);
        }
        finally
        {
            FaultRegionEngine<AsyncCallbacks>.DrainTimeout = saved;
        }

        // The provider writes into its buffer and completes after Dispose gave up: nothing may crash.
        release.SetResult();
        Assert.True(Bounded.Until(() => provider.Outstanding == 0), "the late call did not end");
        Thread.Sleep(50);
        GC.Collect();
    }
}
