using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// Puts this process a chosen number of descriptors away from its limit: the soft RLIMIT_NOFILE is lowered to a
/// little above what is open (so filling up takes a few dozen descriptors, not thousands), then <see cref="Leave"/>
/// opens /dev/null until open fails with EMFILE and closes as many as the budget allows. The kernel hands out the
/// lowest free number, so the closed ones are exactly the free ones.
/// </summary>
internal sealed partial class DescriptorBudget : IDisposable
{
    private const int RLIMIT_NOFILE = 7;
    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;
    private const int EMFILE = 24;

    private readonly RLimit original;
    private readonly List<int> dummies = new();

    private DescriptorBudget(RLimit original)
    {
        this.original = original;
    }

    /// <summary>The soft limit now in force.</summary>
    public long Limit { get; private set; }

    /// <summary>Lowers the soft limit to <paramref name="headroom"/> above the descriptors open now.</summary>
    public static DescriptorBudget Lower(int openNow, int headroom)
    {
        Check(getrlimit(RLIMIT_NOFILE, out RLimit original) == 0, "getrlimit");
        var budget = new DescriptorBudget(original) { Limit = openNow + headroom };
        var lowered = new RLimit { Current = (ulong)budget.Limit, Maximum = original.Maximum };
        Check(setrlimit(RLIMIT_NOFILE, in lowered) == 0, "setrlimit");
        return budget;
    }

    /// <summary>Fills every free descriptor, then frees <paramref name="free"/> of them again.</summary>
    public void Leave(int free)
    {
        FillAll();
        for (int i = 0; i < free && dummies.Count > 0; i++)
        {
            close(dummies[^1]);
            dummies.RemoveAt(dummies.Count - 1);
        }
    }

    /// <summary>Opens /dev/null until the process is at its limit.</summary>
    public void FillAll()
    {
        while (true)
        {
            int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
            {
                dummies.Add(fd);
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            Check(errno == EMFILE, $"open(/dev/null) failed with errno {errno}, not EMFILE");
            return;
        }
    }

    /// <summary>Closes every dummy descriptor.</summary>
    public void Release()
    {
        foreach (int fd in dummies)
        {
            close(fd);
        }

        dummies.Clear();
    }

    /// <summary>Closes the dummies and restores the original limit.</summary>
    public void Dispose()
    {
        Release();
        setrlimit(RLIMIT_NOFILE, in original);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{what} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
