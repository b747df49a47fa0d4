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
    /// Blocks until messages are available, <paramref name="shutdown"/> is signalled, or the timeout elapses.
    /// The shutdown signal wins when both are ready, so a stopping reader does not start on new work.
    /// </summary>
    public unsafe UffdWaitResult WaitForMessages(UffdShutdownSignal? shutdown, int timeoutMilliseconds = Timeout.Infinite)
    {
        bool uffdAdded = false, stopAdded = false;
        try
        {
            handle.DangerousAddRef(ref uffdAdded);
            PollFd* fds = stackalloc PollFd[2];
            fds[0] = new PollFd { Fd = handle.DangerousGetFd(), Events = Libc.POLLIN };
            nuint count = 1;
            if (shutdown is not null)
            {
                shutdown.Handle.DangerousAddRef(ref stopAdded);
                fds[1] = new PollFd { Fd = shutdown.Handle.DangerousGetFd(), Events = Libc.POLLIN };
                count = 2;
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

                if (count == 2 && (fds[1].Revents & Libc.POLLIN) != 0)
                {
                    return UffdWaitResult.ShutdownRequested;
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
            if (stopAdded)
            {
                shutdown!.Handle.DangerousRelease();
            }

            if (uffdAdded)
            {
                handle.DangerousRelease();
            }
        }
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
