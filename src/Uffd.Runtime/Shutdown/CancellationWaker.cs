using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// The eventfd through which a <see cref="CancellationToken"/> wakes a thread waiting in
/// <see cref="Userfaultfd.WaitForMessages(CancellationToken)"/>: the token's callback raises it, and poll watches it
/// beside the uffd. One per thread, made on the thread's first cancellable wait and kept, so later waits take no
/// descriptor and allocate nothing; a thread waits in one call at a time, so one is enough. The handle's finalizer
/// closes it once the thread is gone.
/// </summary>
internal sealed unsafe class CancellationWaker
{
    [ThreadStatic]
    private static CancellationWaker? current;

    private CancellationWaker(FileDescriptorHandle handle) => Handle = handle;

    /// <summary>Raises the eventfd: the token's callback. Never throws, since it runs inside <c>Cancel()</c>.</summary>
    public static Action<object?> Raise { get; } = static state => ((CancellationWaker)state!).Signal();

    public FileDescriptorHandle Handle { get; }

    /// <summary>This thread's waker, made on first use.</summary>
    /// <exception cref="UffdException">The eventfd could not be created (EMFILE at the descriptor limit).</exception>
    public static CancellationWaker ForCurrentThread()
    {
        if (current is { } waker)
        {
            return waker;
        }

        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"eventfd for the cancellation token failed: {Errno.Describe(errno)}.", errno);
        }

        return current = new CancellationWaker(new FileDescriptorHandle(fd, ownsHandle: true));
    }

    /// <summary>Lowers the eventfd again, for this thread's next wait. Nothing raises it meanwhile: its registration is disposed.</summary>
    public void Reset()
    {
        ulong value;
        Libc.read(Handle, &value, sizeof(ulong));
    }

    private void Signal()
    {
        // EAGAIN (the counter at its maximum) is raised too; nothing else can fail on a valid eventfd.
        ulong one = 1;
        Libc.write(Handle, &one, sizeof(ulong));
    }
}
