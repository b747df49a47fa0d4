using System;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// An eventfd that stops readers: closing a uffd does not wake a thread blocked in poll or read on it, so every
/// reader waits on the uffd <i>and</i> this signal (<see cref="O:Uffd.Userfaultfd.WaitForMessages"/>), and shutdown
/// calls <see cref="Signal"/> before it disposes anything.
/// </summary>
public sealed unsafe class UffdShutdownSignal : IDisposable
{
    /// <summary>Creates an unsignalled eventfd (EFD_CLOEXEC | EFD_NONBLOCK).</summary>
    public UffdShutdownSignal()
    {
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"eventfd failed: {Errno.Describe(errno)}.", errno);
        }

        Handle = new FileDescriptorHandle(fd, ownsHandle: true);
    }

    /// <summary>The eventfd, for callers that poll it together with other descriptors.</summary>
    public FileDescriptorHandle Handle { get; }

    /// <summary>True once <see cref="Signal"/> was called. The signal stays raised: every waiter sees it.</summary>
    public bool IsSignaled
    {
        get
        {
            bool added = false;
            try
            {
                Handle.DangerousAddRef(ref added);
                var fd = new PollFd { Fd = Handle.DangerousGetFd(), Events = Libc.POLLIN };
                return Libc.poll(&fd, 1, 0) == 1 && (fd.Revents & Libc.POLLIN) != 0;
            }
            finally
            {
                if (added)
                {
                    Handle.DangerousRelease();
                }
            }
        }
    }

    /// <summary>Raises the signal; every current and future wait on it returns.</summary>
    public void Signal()
    {
        ulong one = 1;
        if (Libc.write(Handle, &one, sizeof(ulong)) != sizeof(ulong))
        {
            int errno = Marshal.GetLastPInvokeError();
            // EAGAIN means the counter is already at its maximum: it is signalled.
            if (errno != Errno.EAGAIN)
            {
                throw new UffdException($"Writing the shutdown eventfd failed: {Errno.Describe(errno)}.", errno);
            }
        }
    }

    /// <summary>Closes the eventfd. Signal and join the readers first.</summary>
    public void Dispose() => Handle.Dispose();
}

/// <summary>Why <see cref="O:Uffd.Userfaultfd.WaitForMessages"/> returned.</summary>
public enum UffdWaitResult
{
    /// <summary>The uffd has messages to read.</summary>
    MessagesAvailable,
    /// <summary>The shutdown signal was raised.</summary>
    ShutdownRequested,
    /// <summary>The timeout elapsed with nothing to read.</summary>
    TimedOut,
}
