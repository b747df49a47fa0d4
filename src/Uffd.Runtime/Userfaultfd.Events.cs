using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd;

public sealed partial class Userfaultfd
{
    /// <summary>
    /// Reads as many messages as fit <paramref name="buffer"/> with one non-blocking <c>read(2)</c>. Returns 0 when
    /// nothing is queued (a fault resolved before the read vanishes from the queue). Page faults come first, oldest
    /// first, then events. The same address may appear several times (one message per faulting thread, and again
    /// after a signal); handle each idempotently.
    /// </summary>
    /// <exception cref="UffdException">The read failed for a reason other than "nothing to read", e.g. EMFILE while a FORK event installs the child's uffd.</exception>
    public unsafe int ReadMessages(Span<UffdMessage> buffer)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must hold at least one 32-byte message.", nameof(buffer));
        }

        nint bytes;
        fixed (UffdMessage* p = buffer)
        {
            bytes = Libc.read(handle, p, (nuint)(buffer.Length * UffdAbi.MessageSize));
        }

        if (bytes < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.EAGAIN or Errno.EINTR)
            {
                return 0;
            }

            throw new UffdException(errno == Errno.EMFILE
                ? "Reading the uffd failed with EMFILE: a FORK event needs a free descriptor for the child's uffd; the event stays queued."
                : $"Reading the uffd failed: {Errno.Describe(errno)}.", errno);
        }

        int count = (int)(bytes / UffdAbi.MessageSize);
        FollowLayoutChanges(buffer.Slice(0, count));
        return count;
    }

    /// <summary>
    /// Blocks until messages are available or <paramref name="shutdown"/> is signalled. The shutdown signal wins when
    /// both are ready, so a stopping reader does not start on new work.
    /// </summary>
    /// <param name="shutdown">The signal that stops the reader, or null to wait for messages only.</param>
    /// <remarks>Allocates nothing: the handler loop's wait.</remarks>
    public UffdWaitResult WaitForMessages(UffdShutdownSignal? shutdown) =>
        Wait(shutdown, Timeout.Infinite, CancellationToken.None);

    /// <summary>
    /// Blocks until messages are available, <paramref name="shutdown"/> is signalled, or the timeout elapses.
    /// The shutdown signal wins when both are ready, so a stopping reader does not start on new work.
    /// </summary>
    /// <param name="shutdown">The signal that stops the reader, or null to wait for messages and the timeout only.</param>
    /// <param name="timeoutMilliseconds">How long to wait; <see cref="Timeout.Infinite"/> (any negative value) waits without a bound, 0 only checks.</param>
    /// <remarks>Allocates nothing.</remarks>
    public UffdWaitResult WaitForMessages(UffdShutdownSignal? shutdown, int timeoutMilliseconds) =>
        Wait(shutdown, timeoutMilliseconds, CancellationToken.None);

    /// <summary>
    /// Blocks until messages are available, <paramref name="shutdown"/> is signalled, or <paramref name="timeout"/>
    /// elapses (in whole milliseconds, as <see cref="WaitHandle.WaitOne(TimeSpan)"/>). The shutdown signal wins when
    /// both are ready, so a stopping reader does not start on new work.
    /// </summary>
    /// <param name="shutdown">The signal that stops the reader, or null to wait for messages and the timeout only.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits without a bound, <see cref="TimeSpan.Zero"/> only checks.</param>
    /// <remarks>Allocates nothing.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or more than <see cref="int.MaxValue"/> milliseconds.</exception>
    public UffdWaitResult WaitForMessages(UffdShutdownSignal? shutdown, TimeSpan timeout) =>
        Wait(shutdown, TimeoutMilliseconds(timeout), CancellationToken.None);

    /// <summary>
    /// Blocks until messages are available; throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled first (or already was), like every blocking wait of .NET
    /// that takes a token (<see cref="SemaphoreSlim.Wait(CancellationToken)"/>, <see cref="ManualResetEventSlim.Wait(CancellationToken)"/>).
    /// </summary>
    /// <param name="cancellationToken">Stops the wait: a thread blocked in poll is woken through an eventfd the token's callback raises.</param>
    /// <returns><see cref="UffdWaitResult.MessagesAvailable"/>: the only result of a wait without a shutdown signal or a timeout.</returns>
    /// <remarks>
    /// Cancellation wins when messages are also ready, so a cancelled reader does not start on new work. A handler loop
    /// that must stop without an exception uses <see cref="WaitForMessages(UffdShutdownSignal)"/>, whose
    /// <see cref="UffdWaitResult.ShutdownRequested"/> is a result. The first cancellable wait on a thread creates that
    /// thread's eventfd (one descriptor, kept for the thread's life); later waits create nothing, and with a token whose
    /// source has had a registration before, allocate nothing.
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="UffdException">The thread's eventfd could not be created (EMFILE at the descriptor limit).</exception>
    public UffdWaitResult WaitForMessages(CancellationToken cancellationToken) =>
        Wait(null, Timeout.Infinite, cancellationToken);

    /// <summary>
    /// Blocks until messages are available or <paramref name="timeout"/> elapses; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled first (see
    /// <see cref="WaitForMessages(CancellationToken)"/>).
    /// </summary>
    /// <param name="timeout">How long to wait, in whole milliseconds; <see cref="Timeout.InfiniteTimeSpan"/> waits without a bound, <see cref="TimeSpan.Zero"/> only checks.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see cref="UffdWaitResult.MessagesAvailable"/> or <see cref="UffdWaitResult.TimedOut"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or more than <see cref="int.MaxValue"/> milliseconds.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="UffdException">The thread's eventfd could not be created (EMFILE at the descriptor limit).</exception>
    public UffdWaitResult WaitForMessages(TimeSpan timeout, CancellationToken cancellationToken) =>
        Wait(null, TimeoutMilliseconds(timeout), cancellationToken);

    /// <summary>poll on the uffd, the shutdown signal and the token's eventfd; the signal, then the token, win over messages.</summary>
    private unsafe UffdWaitResult Wait(UffdShutdownSignal? shutdown, int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CancellationWaker? waker = cancellationToken.CanBeCanceled ? CancellationWaker.ForCurrentThread() : null;
        CancellationTokenRegistration registration = default;
        bool uffdAdded = false, stopAdded = false, wakerAdded = false;
        try
        {
            handle.DangerousAddRef(ref uffdAdded);
            PollFd* fds = stackalloc PollFd[3];
            fds[0] = new PollFd { Fd = handle.DangerousGetFd(), Events = Libc.POLLIN };
            nuint count = 1;
            int stopAt = -1, cancelAt = -1;
            if (shutdown is not null)
            {
                shutdown.Handle.DangerousAddRef(ref stopAdded);
                stopAt = (int)count++;
                fds[stopAt] = new PollFd { Fd = shutdown.Handle.DangerousGetFd(), Events = Libc.POLLIN };
            }

            if (waker is not null)
            {
                waker.Handle.DangerousAddRef(ref wakerAdded);
                cancelAt = (int)count++;
                fds[cancelAt] = new PollFd { Fd = waker.Handle.DangerousGetFd(), Events = Libc.POLLIN };
                registration = cancellationToken.UnsafeRegister(CancellationWaker.Raise, waker);
            }

            while (true)
            {
                int ready = Libc.poll(fds, count, timeoutMilliseconds);
                if (ready < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    throw new UffdException($"poll on the uffd failed: {Errno.Describe(errno)}.", errno);
                }

                if (ready == 0)
                {
                    return UffdWaitResult.TimedOut;
                }

                if (stopAt >= 0 && (fds[stopAt].Revents & Libc.POLLIN) != 0)
                {
                    return UffdWaitResult.ShutdownRequested;
                }

                if (cancelAt >= 0 && (fds[cancelAt].Revents & Libc.POLLIN) != 0)
                {
                    break;
                }

                if ((fds[0].Revents & (Libc.POLLERR | Libc.POLLNVAL)) != 0)
                {
                    // The runtime always sets O_NONBLOCK, without which a uffd polls as POLLERR forever.
                    throw new UffdException($"poll reported 0x{(ushort)fds[0].Revents:x} on the uffd: it is not usable (closed, or not initialised).");
                }

                return UffdWaitResult.MessagesAvailable;
            }
        }
        finally
        {
            // Once the registration is disposed its callback has finished or will never run: the eventfd was raised
            // only if the token was cancelled, and is lowered for this thread's next wait.
            registration.Dispose();
            if (waker is not null && cancellationToken.IsCancellationRequested)
            {
                waker.Reset();
            }

            if (wakerAdded)
            {
                waker!.Handle.DangerousRelease();
            }

            if (stopAdded)
            {
                shutdown!.Handle.DangerousRelease();
            }

            if (uffdAdded)
            {
                handle.DangerousRelease();
            }
        }

        // Only the token's eventfd leaves the poll loop without a result.
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>A TimeSpan timeout in whole milliseconds for poll, checked as .NET's own waits check it.</summary>
    private static int TimeoutMilliseconds(TimeSpan timeout)
    {
        long milliseconds = (long)timeout.TotalMilliseconds;
        if (milliseconds < -1 || milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout,
                "The timeout must be Timeout.InfiniteTimeSpan, or between 0 and Int32.MaxValue milliseconds.");
        }

        return (int)milliseconds;
    }

    /// <summary>
    /// Takes ownership of the uffd a FORK message carries: the child's faults arrive on it, not on this uffd, so it
    /// must be served (or disposed, after which the child sees ordinary faults). Call once per FORK message.
    /// </summary>
    public Userfaultfd AdoptForkedChild(in UffdMessage message)
    {
        if (message.Kind != UffdEventKind.Fork)
        {
            string kind = message.IsKnownKind ? message.Kind.ToString() : $"an unknown event (code 0x{(byte)message.Kind:x2})";
            throw new ArgumentException($"Only a Fork message carries a child uffd; this is {kind}.", nameof(message));
        }

        // The child's registrations live in the child's address space: there is nothing to revoke from here.
        var child = new UffdHandle(message.ForkChildFd);
        return new Userfaultfd(child, CreationPath, SupportedFeatures, EnabledFeatures, ApiIoctls);
    }

    /// <summary>Keeps the revocation bookkeeping in step with REMAP and UNMAP, which move or drop registrations.</summary>
    private void FollowLayoutChanges(ReadOnlySpan<UffdMessage> messages)
    {
        foreach (ref readonly UffdMessage message in messages)
        {
            switch (message.Kind)
            {
                case UffdEventKind.Remap:
                    RemapEvent remap = message.Remap;
                    handle.Moved(remap.From, remap.To, remap.Length);
                    break;
                case UffdEventKind.Unmap:
                    handle.Untrack(message.Range.Start, message.Range.End);
                    break;
            }
        }
    }
}
