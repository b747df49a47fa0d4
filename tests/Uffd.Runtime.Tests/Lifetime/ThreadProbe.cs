using System.IO;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>Observes other threads and descriptors through /proc, so "blocked in poll" is a fact, not a sleep.</summary>
internal static class ThreadProbe
{
    private const long SysPoll = 7;
    private const long SysPpoll = 271;

    /// <summary>True while thread <paramref name="tid"/> sleeps in poll(2) (glibc may use ppoll).</summary>
    public static bool IsInPoll(int tid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/self/task/{tid}/syscall");
        }
        catch (IOException)
        {
            return false;
        }

        string first = text.Split(' ', 2)[0].Trim();
        return long.TryParse(first, out long number) && number is SysPoll or SysPpoll;
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
