using System.IO;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>Observes other threads and descriptors through /proc, so "blocked in poll" is a fact, not a sleep.</summary>
internal static class ThreadProbe
{
    private const long SysPoll = 7;
    private const long SysPpoll = 271;
    private const long SysEpollWait = 232;
    private const long SysEpollPwait = 281;

    /// <summary>True while thread <paramref name="tid"/> sleeps in poll(2) (glibc may use ppoll).</summary>
    public static bool IsInPoll(int tid) => SyscallOf(tid) is SysPoll or SysPpoll;

    /// <summary>True while thread <paramref name="tid"/> sleeps in epoll_wait(2) (glibc may use epoll_pwait).</summary>
    public static bool IsInEpollWait(int tid) => SyscallOf(tid) is SysEpollWait or SysEpollPwait;

    /// <summary>The system call thread <paramref name="tid"/> is blocked in, or -1 (running, gone, unreadable).</summary>
    public static long SyscallOf(int tid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/self/task/{tid}/syscall");
        }
        catch (IOException)
        {
            return -1;
        }

        string first = text.Split(' ', 2)[0].Trim();
        return long.TryParse(first, out long number) ? number : -1;
    }

    /// <summary>
    /// How many times thread <paramref name="tid"/> has gone to sleep (voluntary context switches, from its status):
    /// each ended by a wake-up, including those the kernel absorbs without returning from the system call.
    /// </summary>
    public static long Sleeps(int tid)
    {
        foreach (string line in File.ReadLines($"/proc/self/task/{tid}/status"))
        {
            if (line.StartsWith("voluntary_ctxt_switches:", System.StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan("voluntary_ctxt_switches:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidDataException($"/proc/self/task/{tid}/status has no voluntary_ctxt_switches line.");
    }

    /// <summary>What descriptor <paramref name="fd"/> refers to (e.g. "anon_inode:[userfaultfd]"), or null when closed.</summary>
    public static string? DescriptorTarget(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public const string UffdTarget = "anon_inode:[userfaultfd]";
}
