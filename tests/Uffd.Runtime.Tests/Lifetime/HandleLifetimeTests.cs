using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>
/// The uffd is a SafeHandle: a wait in progress holds a reference, so Dispose cannot close the descriptor (and let
/// the kernel hand its number to a new file) under a thread that is still polling it.
/// </summary>
public sealed class HandleLifetimeTests
{
    [Fact]
    public void Signal_join_dispose_closes_the_descriptor_at_once()
    {
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        using var shutdown = new UffdShutdownSignal();
        int fd = uffd.Handle.DangerousGetFd();
        Faulter<UffdWaitResult> reader = Faulter.Run(() => uffd.WaitForMessages(shutdown, Timeout.Infinite), "reader");
        Assert.True(Bounded.Until(() => ThreadProbe.IsInPoll(reader.ThreadId)), "the reader never blocked in poll");

        shutdown.Signal();
        Assert.Equal(UffdWaitResult.ShutdownRequested, reader.Join());
        Assert.Equal(ThreadProbe.UffdTarget, ThreadProbe.DescriptorTarget(fd));
        uffd.Dispose();

        Assert.True(uffd.Handle.IsClosed);
        Assert.True(uffd.IsDisposed);
        Assert.NotEqual(ThreadProbe.UffdTarget, ThreadProbe.DescriptorTarget(fd));
    }

    [Fact]
    public void Dispose_during_a_wait_closes_the_descriptor_only_when_the_wait_returns()
    {
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        using var shutdown = new UffdShutdownSignal();
        int fd = uffd.Handle.DangerousGetFd();
        // The signal, not the timeout, ends this wait; the timeout only bounds a broken signal path.
        Faulter<UffdWaitResult> reader = Faulter.Run(
            () => uffd.WaitForMessages(shutdown, (int)Bounded.Wait.TotalMilliseconds), "reader");
        Assert.True(Bounded.Until(() => ThreadProbe.IsInPoll(reader.ThreadId)), "the reader never blocked in poll");

        uffd.Dispose();

        Assert.False(uffd.Handle.IsClosed, "Dispose closed the descriptor under a thread still polling it");
        Assert.Equal(ThreadProbe.UffdTarget, ThreadProbe.DescriptorTarget(fd));
        Assert.True(reader.IsAlive);

        shutdown.Signal();
        Assert.Equal(UffdWaitResult.ShutdownRequested, reader.Join());
        Assert.True(uffd.Handle.IsClosed);
        Assert.NotEqual(ThreadProbe.UffdTarget, ThreadProbe.DescriptorTarget(fd));
    }

    [Fact]
    public void Dispose_during_a_timed_wait_lets_it_time_out_normally_and_then_closes()
    {
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        int fd = uffd.Handle.DangerousGetFd();
        Faulter<UffdWaitResult> reader = Faulter.Run(() => uffd.WaitForMessages(null, 500), "reader");
        Assert.True(Bounded.Until(() => ThreadProbe.IsInPoll(reader.ThreadId)), "the reader never blocked in poll");

        uffd.Dispose();

        // The descriptor stayed valid for the whole poll: it ends in a timeout, not in POLLNVAL or an exception.
        Assert.Equal(UffdWaitResult.TimedOut, reader.Join());
        Assert.True(uffd.Handle.IsClosed);
        Assert.NotEqual(ThreadProbe.UffdTarget, ThreadProbe.DescriptorTarget(fd));
    }
}
