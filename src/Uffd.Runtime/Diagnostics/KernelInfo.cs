using System;
using System.IO;
using System.Threading;

namespace Uffd;

/// <summary>Facts about the running kernel that error messages and diagnostics quote.</summary>
public static class KernelInfo
{
    private static readonly Lazy<string> LazyRelease = new(() => ReadTrimmed("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString);

    /// <summary>The kernel release, for example <c>6.18.44</c>.</summary>
    public static string Release => LazyRelease.Value;

    /// <summary>
    /// The value of <c>vm.unprivileged_userfaultfd</c>, or null when the sysctl does not exist (before Linux 5.2).
    /// </summary>
    public static int? UnprivilegedUserfaultfd =>
        int.TryParse(ReadTrimmed("/proc/sys/vm/unprivileged_userfaultfd"), out int value) ? value : null;

    /// <summary>True when <c>/dev/userfaultfd</c> exists (Linux 6.1 and later).</summary>
    public static bool HasUserfaultfdDevice => File.Exists(DevicePath);

    /// <summary>The path of the userfaultfd misc device.</summary>
    public const string DevicePath = "/dev/userfaultfd";

    /// <summary>Number of persistent huge pages of the default size (<c>vm.nr_hugepages</c>).</summary>
    public static long HugePagesTotal => long.TryParse(ReadTrimmed("/proc/sys/vm/nr_hugepages"), out long value) ? value : 0;

    /// <summary>
    /// The default huge page size in bytes from <c>/proc/meminfo</c>, or 0 when the kernel has none (or the file could
    /// not be read, for instance at the descriptor limit).
    /// </summary>
    public static long DefaultHugePageSize => ReadDefaultHugePageSize(out _);

    // The size is fixed at boot: once read, it is kept, so a process that later reaches its descriptor limit still knows it.
    private static long defaultHugePageSize;

    /// <summary><see cref="DefaultHugePageSize"/>, with the reason when <c>/proc/meminfo</c> could not be read.</summary>
    internal static long ReadDefaultHugePageSize(out IOException? error)
    {
        error = null;
        long known = Volatile.Read(ref defaultHugePageSize);
        if (known > 0)
        {
            return known;
        }

        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("Hugepagesize:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    long size = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                    Volatile.Write(ref defaultHugePageSize, size);
                    return size;
                }
            }
        }
        catch (IOException e)
        {
            error = e;
        }

        return 0;
    }

    /// <summary>
    /// True when the calling thread's effective capability set holds CAP_SYS_PTRACE (bit 19 of <c>CapEff</c>); false
    /// when it cannot be read. Read as the creation ladder's diagnosis reads it.
    /// </summary>
    public static bool HasCapSysPtrace => CreationEnvironment.Read().HasSysPtrace == true;

    internal static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
