using System.Globalization;
using System.Text.RegularExpressions;

namespace Uffd.Runtime.Tests.ChildProcess;

/// <summary>
/// Threads blocked in uffd faults inside <see cref="GcSafeMemory"/> never stall a GC. A managed faulting access
/// deadlocks the whole process on the first GC, the clock included, so the probe cannot report it itself: the hard
/// bound is <see cref="Child.Run"/> killing it, and only a clean exit with its counters proves the run went through.
/// </summary>
public sealed class GcPressureTests
{
    [Fact]
    public void Faulting_through_GcSafeMemory_under_a_gc_every_millisecond_never_deadlocks()
    {
        ChildResult child = Child.Run("Uffd.Runtime.Probe", Privilege.Root, "gc-pressure", "3");

        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(string.Empty, child.Stderr);
        Match result = Regex.Match(Assert.Single(child.Lines), @"^pages=(\d+) faults=(\d+) gcs=(\d+)$");
        Assert.True(result.Success, child.ToString());
        long pages = Count(result, 1), faults = Count(result, 2), gcs = Count(result, 3);
        // Each served fault was raised by one page read; the rest found the page already served.
        Assert.True(faults > 1000 && faults <= pages, child.ToString());
        Assert.True(gcs > 100, child.ToString());
    }

    private static long Count(Match match, int group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
}
