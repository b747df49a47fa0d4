using Xunit.Abstractions;

namespace Uffd.Torture.Tests;

/// <summary>
/// The harness can fail: under the same GC pressure, the control reads region pages through a raw span over
/// BaseAddress (what the analyzers warn about), faulting in managed code, which deadlocks with the GC. The child must
/// be killed by the watchdog, its workers blocked in the kernel's userfaultfd wait.
/// </summary>
public sealed class WatchdogControlTests(ITestOutputHelper output)
{
    /// <summary>
    /// The control prints a line per round (tens of milliseconds): this much silence means it hangs, with a wide
    /// margin for a machine loaded by other builds (a 3 s bound once killed a control before it printed a phase).
    /// </summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_watchdog_catches_a_real_hang_a_raw_span_over_BaseAddress_deadlocks_with_the_GC()
    {
        ChildResult child = Child.Watch(TortureRun.App, Privilege.Root, new Watchdog(TimeSpan.FromSeconds(30), Silence), "control", "20");
        output.WriteLine($"last line {child.LastLineAt.TotalSeconds:F2} s after the start");
        output.WriteLine(child.ToString());

        Assert.True(child.WasKilled, $"the control was expected to hang and be killed by the watchdog, but it ended by itself: {child}");
        Assert.StartsWith("phase mode=control path=raw-span", TortureRun.LastPhase(child));
        // Where the deadlock is: a worker waits in the fault for a handler, which waits for the GC.
        Assert.Contains("handle_userfault", child.Killed);
    }
}
