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

    private static readonly Timer FailFastTimer = new(_ => Environment.FailFast($"uffd benchmark: a run exceeded {Limit.TotalSeconds} s (a fault was never served?)."));

    public static void Arm() => FailFastTimer.Change(Limit, Timeout.InfiniteTimeSpan);

    public static void Disarm() => FailFastTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
}
