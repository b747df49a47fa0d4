using System;
using System.IO;

namespace Uffd.Tests.Shared;

/// <summary>This process's threads as /proc/self/task lists them.</summary>
public static class ProcessThreads
{
    /// <summary>How many threads have a name (comm, at most 15 bytes) that starts with <paramref name="prefix"/>.</summary>
    /// <remarks>
    /// A plain loop, deliberately: the torture suite counts descriptors around this call, and the LINQ form with a
    /// capturing lambda, jitted for the first time between two snapshots, measured two descriptors more.
    /// </remarks>
    public static int CountNamed(string prefix)
    {
        int count = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            count += Name(task).StartsWith(prefix, StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    private static string Name(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).Trim();
        }
        catch (IOException)
        {
            return string.Empty; // the thread ended meanwhile
        }
    }
}
