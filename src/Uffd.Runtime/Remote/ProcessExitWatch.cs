using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// Tells when processes exit, through their pidfds: one background thread waits in epoll for all of them (a pidfd is
/// readable once its process has exited). A uffd gives no such sign when the address space it serves goes away, so
/// this is how a handler of another process's memory learns that it can stop.
/// </summary>
/// <remarks>
/// Each pidfd is armed once (EPOLLONESHOT) and closed when its exit is reported or the watch is cancelled. The
/// callback runs on the thread pool, never on the watcher thread, so a slow callback delays no other report.
/// </remarks>
internal static unsafe class ProcessExitWatch
{
    private static readonly object Gate = new();
    private static readonly Dictionary<ulong, Entry> Entries = [];
    private static int epollFd = -1;
    private static ulong nextId;

    private sealed record Entry(int Pidfd, Action OnExit);

    /// <summary>
    /// Watches process <paramref name="processId"/>: <paramref name="onExit"/> runs once, on the thread pool, when it
    /// exits (at once if it is already gone). Returns the watch, for <see cref="Cancel"/>.
    /// </summary>
    /// <exception cref="UffdException">No pidfd could be opened (out of descriptors, or a kernel before 5.3).</exception>
    public static ulong Watch(int processId, Action onExit)
    {
        int pidfd = ProcessAbi.PidfdOpen(processId);
        if (pidfd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.ESRCH)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static a => a(), onExit, preferLocal: false);
                return 0;
            }

            throw new UffdException(
                $"pidfd_open({processId}) failed: {Errno.Describe(errno)}; a process whose memory is served is watched through a pidfd (Linux 5.3).", errno);
        }

        lock (Gate)
        {
            EnsureStarted();
            ulong id = ++nextId;
            Entries.Add(id, new Entry(pidfd, onExit));
            int error = Epoll.Control(epollFd, Epoll.EPOLL_CTL_ADD, pidfd, Epoll.EPOLLIN | EPOLLONESHOT, id);
            if (error != 0)
            {
                Entries.Remove(id);
                Libc.close(pidfd);
                throw new UffdException($"Watching process {processId} (epoll_ctl of its pidfd) failed: {Errno.Describe(error)}.", error);
            }

            return id;
        }
    }

    /// <summary>Stops watch <paramref name="id"/> and closes its pidfd; a callback already queued (the process had exited) still runs.</summary>
    public static void Cancel(ulong id)
    {
        lock (Gate)
        {
            if (Entries.Remove(id, out Entry? entry))
            {
                Epoll.Delete(epollFd, entry.Pidfd);
                Libc.close(entry.Pidfd);
            }
        }
    }

    private const uint EPOLLONESHOT = 1u << 30;

    private static void EnsureStarted()
    {
        if (epollFd >= 0)
        {
            return;
        }

        int fd = Epoll.epoll_create1(Epoll.EPOLL_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"epoll_create1 for the process exit watch failed: {Errno.Describe(errno)}.", errno);
        }

        epollFd = fd;
        new Thread(Run) { IsBackground = true, Name = "uffd process exit watch" }.Start();
    }

    private static void Run()
    {
        const int MaxEvents = 16;
        byte* events = stackalloc byte[MaxEvents * 16];
        while (true)
        {
            int count = Epoll.epoll_wait(epollFd, events, MaxEvents, -1);
            for (int i = 0; i < count; i++)
            {
                Entry? entry;
                lock (Gate)
                {
                    ulong id = Epoll.DataAt(events, i);
                    if (!Entries.Remove(id, out entry))
                    {
                        continue;
                    }

                    Epoll.Delete(epollFd, entry.Pidfd);
                    Libc.close(entry.Pidfd);
                }

                ThreadPool.UnsafeQueueUserWorkItem(static a => a(), entry.OnExit, preferLocal: false);
            }
        }
    }
}
