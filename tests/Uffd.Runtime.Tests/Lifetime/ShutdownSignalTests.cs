using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Races;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>Closing a uffd does not wake its readers; the shutdown signal does.</summary>
public sealed class ShutdownSignalTests
{
    [Fact]
    public void Signal_stops_a_reader_blocked_without_timeout_and_stays_raised_for_later_waiters()
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        using var shutdown = new UffdShutdownSignal();
        Faulter<UffdWaitResult> reader = Faulter.Run(() => uffd.WaitForMessages(shutdown, Timeout.Infinite), "reader");
        Assert.True(Bounded.Until(() => ThreadProbe.IsInPoll(reader.ThreadId)), "the reader never blocked in poll");
        Assert.False(shutdown.IsSignaled);

        shutdown.Signal();

        Assert.Equal(UffdWaitResult.ShutdownRequested, reader.Join());
        Assert.True(shutdown.IsSignaled);
        Faulter<UffdWaitResult> later = Faulter.Run(() => uffd.WaitForMessages(shutdown, Timeout.Infinite), "later reader");
        Assert.Equal(UffdWaitResult.ShutdownRequested, later.Join());
        Assert.True(shutdown.IsSignaled);
    }

    [Fact]
    public void Shutdown_wins_over_queued_messages()
    {
        using FaultScope scope = FaultScope.Create(1);
        using var shutdown = new UffdShutdownSignal();
        Faulter<byte[]> faulter = scope.Run(() => scope.ReadPage(0));
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 1), "the fault was never queued");
        Assert.Equal(UffdWaitResult.MessagesAvailable, scope.Uffd.WaitForMessages(shutdown, 0));

        shutdown.Signal();

        // A stopping reader must not start on new work, even when the queue is not empty.
        Assert.Equal(UffdWaitResult.ShutdownRequested, scope.Uffd.WaitForMessages(shutdown, Timeout.Infinite));
        Assert.Equal(UffdWaitResult.MessagesAvailable, scope.Uffd.WaitForMessages(null, 0));

        byte[] content = FaultScope.Pattern(0, scope.PageSize, salt: 0x70);
        Assert.True(scope.Uffd.Copy(scope.Page(0), content).IsDone);
        Assert.Equal(content, faulter.Join());
        Assert.Equal(0, scope.FdInfo().Total);
    }
}
