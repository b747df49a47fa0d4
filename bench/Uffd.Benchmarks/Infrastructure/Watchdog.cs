using System;
using System.Threading;

namespace Uffd.Benchmarks.Infrastructure;

/// <summary>
/// Ends the process with a message when one run takes far longer than any run should: a fault nobody serves must
/// not turn a benchmark into a silent hang.
/// </summary>
internal static class Watchdog
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static readonly Timer s_timer = new(_ => Environment.FailFast($"uffd benchmark: a run exceeded {Limit.TotalSeconds} s (a fault was never served?)."));

    public static void Arm() => s_timer.Change(Limit, Timeout.InfiniteTimeSpan);

    public static void Disarm() => s_timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
}
