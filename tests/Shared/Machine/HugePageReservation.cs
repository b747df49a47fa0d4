using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace Uffd.Tests.Shared;

/// <summary>
/// Makes <see cref="Needed"/> default-size huge pages available (free and not reserved by someone else's mapping),
/// raising vm.nr_hugepages as root when needed, and restores the previous value unless someone changed it meanwhile
/// (other test runs on this machine may do the same).
/// </summary>
public sealed class HugePageReservation : IDisposable
{
    /// <summary>What the parameterless constructor (a class fixture) makes available.</summary>
    public const int DefaultNeeded = 4;

    private const string Sysctl = "/proc/sys/vm/nr_hugepages";
    private readonly long previous;
    private readonly long written = -1;

    /// <summary>A class fixture: <see cref="DefaultNeeded"/> huge pages (xunit wants one public constructor).</summary>
    public HugePageReservation()
        : this(DefaultNeeded)
    {
    }

    private HugePageReservation(int needed)
    {
        Needed = needed;
        previous = ReadLong(Sysctl);
        long available = Available();
        if (available < Needed)
        {
            written = previous + (Needed - available);
            File.WriteAllText(Sysctl, written.ToString(CultureInfo.InvariantCulture));
        }

        Assert.True(Available() >= Needed,
            $"the kernel could not provide {Needed} huge pages (nr_hugepages {ReadLong(Sysctl)}, available {Available()})");
    }

    /// <summary>Makes <paramref name="needed"/> huge pages available.</summary>
    public static HugePageReservation For(int needed) => new(needed);

    /// <summary>The huge pages this reservation made available.</summary>
    public int Needed { get; }

    public void Dispose()
    {
        if (written >= 0 && ReadLong(Sysctl) == written)
        {
            File.WriteAllText(Sysctl, previous.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static long Available() => MemInfo("HugePages_Free:") - MemInfo("HugePages_Rsvd:");

    private static long MemInfo(string key)
    {
        string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static long ReadLong(string path) => long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
}
