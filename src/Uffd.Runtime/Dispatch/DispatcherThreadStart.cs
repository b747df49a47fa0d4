using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Dispatch;

/// <summary>
/// Starts the fault dispatchers' threads. <see cref="Thread.Start()"/> reports every failure as a bare
/// <see cref="OutOfMemoryException"/>, including the one a process at its descriptor limit gets: the .NET runtime
/// opens two descriptors (a pipe) on the new thread as it starts (measured on .NET 10, Linux 6.18). The failure is
/// turned into one that says what ran out.
/// </summary>
internal static class DispatcherThreadStart
{
    /// <param name="thread">The thread, named: the name is quoted in the failure.</param>
    /// <param name="argument">Passed to a parameterized thread; null for a thread started without one.</param>
    /// <param name="owner">Who starts it, as the failure begins: "Region 'name'", or "The fault dispatcher".</param>
    /// <exception cref="UffdException">The process or the system is out of descriptors (the message names the limit).</exception>
    /// <exception cref="InsufficientMemoryException">The thread could not start for another reason (memory, thread limits).</exception>
    public static void Start(Thread thread, object? argument, string owner)
    {
        try
        {
            if (argument is null)
            {
                thread.Start();
            }
            else
            {
                thread.Start(argument);
            }
        }
        catch (OutOfMemoryException e)
        {
            int errno = DescriptorPairErrno();
            if (Errno.IsOutOfDescriptors(errno))
            {
                throw new UffdException(
                    $"{owner}: thread '{thread.Name}' could not start: the .NET runtime needs two descriptors to start a thread, and " +
                    $"{Errno.Describe(errno)}.", errno, e);
            }

            throw new InsufficientMemoryException(
                $"{owner}: thread '{thread.Name}' could not start ({e.Message}): out of memory, or at a thread limit " +
                "(ulimit -u, kernel.threads-max, a cgroup's pids.max).", e);
        }
    }

    /// <summary>0 when two descriptors can be had right now, else the errno of the one that could not.</summary>
    private static int DescriptorPairErrno()
    {
        int first = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        if (first < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        int second = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        int errno = second < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (second >= 0)
        {
            Libc.close(second);
        }

        Libc.close(first);
        return errno;
    }
}
