using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Races;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>
/// WaitForMessages with a CancellationToken and with TimeSpan timeouts: a cancelled token wakes a reader blocked in
/// poll (through an eventfd the token's callback raises) and throws OperationCanceledException, as .NET's blocking
/// waits do; the next wait on the thread is not woken by the old cancellation; waits allocate nothing once set up.
/// </summary>
public sealed class CancellableWaitTests
{
    [Fact]
    public void Cancelling_the_token_wakes_a_reader_blocked_without_timeout_with_OperationCanceledException()
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        using var source = new CancellationTokenSource();
        Faulter<Exception?> reader = Faulter.Run<Exception?>(() =>
        {
            try
            {
                uffd.WaitForMessages(source.Token);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }, "reader");
        Assert.True(Bounded.Until(() => ThreadProbe.IsInPoll(reader.ThreadId)), "the reader never blocked in poll");

        source.Cancel();

        var canceled = Assert.IsType<OperationCanceledException>(reader.Join());
        Assert.Equal(source.Token, canceled.CancellationToken);
    }

    [Fact]
    public void A_token_cancelled_before_the_wait_throws_even_with_messages_queued()
    {
        using FaultScope scope = FaultScope.Create(1);
        Faulter<byte[]> faulter = scope.Run(() => scope.ReadPage(0));
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 1), "the fault was never queued");
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => scope.Uffd.WaitForMessages(source.Token));
        Assert.Throws<OperationCanceledException>(() => scope.Uffd.WaitForMessages(TimeSpan.Zero, source.Token));

        using var live = new CancellationTokenSource();
        Assert.Equal(UffdWaitResult.MessagesAvailable, scope.Uffd.WaitForMessages(live.Token));
        Assert.Equal(UffdWaitResult.MessagesAvailable, scope.Uffd.WaitForMessages(Timeout.InfiniteTimeSpan, CancellationToken.None));
        byte[] content = FaultScope.Pattern(0, scope.PageSize, salt: 0x31);
        Assert.True(scope.Uffd.Copy(scope.Page(0), content).IsDone);
        Assert.Equal(content, faulter.Join());
    }

    [Fact]
    public void After_a_cancelled_wait_the_next_wait_on_the_thread_waits_for_its_own_token()
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        (bool firstCanceled, UffdWaitResult second, bool thirdCanceled) = Faulter.Run(() =>
        {
            using var first = new CancellationTokenSource();
            first.CancelAfter(20);
            bool canceled = Throws(() => uffd.WaitForMessages(first.Token));

            // The eventfd the first token raised was lowered: this wait runs to its timeout.
            using var second = new CancellationTokenSource();
            UffdWaitResult result = uffd.WaitForMessages(TimeSpan.FromMilliseconds(50), second.Token);

            using var third = new CancellationTokenSource();
            third.CancelAfter(20);
            return (canceled, result, Throws(() => uffd.WaitForMessages(Timeout.InfiniteTimeSpan, third.Token)));
        }).Join();

        Assert.True(firstCanceled);
        Assert.Equal(UffdWaitResult.TimedOut, second);
        Assert.True(thirdCanceled);
    }

    [Fact]
    public void TimeSpan_timeouts_time_out_and_are_checked_as_dotnet_checks_them()
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        using var shutdown = new UffdShutdownSignal();

        Assert.Equal(UffdWaitResult.TimedOut, uffd.WaitForMessages(shutdown, TimeSpan.Zero));
        Assert.Equal(UffdWaitResult.TimedOut, uffd.WaitForMessages(null, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(UffdWaitResult.TimedOut, uffd.WaitForMessages(TimeSpan.FromMilliseconds(10), CancellationToken.None));
        shutdown.Signal();
        Assert.Equal(UffdWaitResult.ShutdownRequested, uffd.WaitForMessages(shutdown, Timeout.InfiniteTimeSpan));

        foreach (TimeSpan wrong in new[] { TimeSpan.FromMilliseconds(-2), TimeSpan.FromMilliseconds(int.MaxValue + 1L), TimeSpan.MinValue, TimeSpan.MaxValue })
        {
            Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => uffd.WaitForMessages(shutdown, wrong)).ParamName);
            Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => uffd.WaitForMessages(wrong, CancellationToken.None)).ParamName);
        }
    }

    [Fact]
    public void Waiting_with_a_token_allocates_nothing_once_the_thread_has_waited_with_one()
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        long allocated = Faulter.Run(() =>
        {
            using var source = new CancellationTokenSource();
            for (int i = 0; i < 100; i++)
            {
                uffd.WaitForMessages(TimeSpan.Zero, source.Token);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                uffd.WaitForMessages(TimeSpan.Zero, source.Token);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }).Join();

        Assert.Equal(0, allocated);
    }

    private static bool Throws(Action wait)
    {
        try
        {
            wait();
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }
}
