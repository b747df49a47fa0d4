using System.IO;
namespace Uffd.Runtime.Tests.Kernel.Support;

/// <summary>Reads a thread's scheduler state from /proc: 'S' for a blocked user-mode fault, 'D' for an event raiser.</summary>
internal static class KernelThreadState
{
    public static char Of(int tid)
    {
        string stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
        // "tid (comm) S ...": comm may contain spaces and parentheses, so parse after the last ')'.
        return stat[stat.LastIndexOf(')') + 2];
    }
}
