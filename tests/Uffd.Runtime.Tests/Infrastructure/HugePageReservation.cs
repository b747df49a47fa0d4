using System.Globalization;
using System.IO;

namespace Uffd.Runtime.Tests.Infrastructure;

/// <summary>
/// Makes <see cref="Needed"/> default-size huge pages available (free and not reserved by someone else's mapping),
/// raising vm.nr_hugepages as root when needed, and restores the previous value unless someone changed it meanwhile
/// (other test runs on this machine may do the same).
/// </summary>
public sealed class HugePageReservation : IDisposable
{
    public const int Needed = 4;

    private const string Sysctl = "/proc/sys/vm/nr_hugepages";
    private readonly long previous;
    private readonly long written = -1;

    public HugePageReservation()
    {
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
