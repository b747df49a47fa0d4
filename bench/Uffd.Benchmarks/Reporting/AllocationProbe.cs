using System;
using System.Collections.Generic;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Reporting;

/// <summary>
/// Bytes allocated by the whole process while one run's pages are accessed (faults served, leases taken, spans made
/// present, written pages collected), in steady state.
/// </summary>
/// <param name="Faults">The pages the run accessed: one fault each for the round trips.</param>
/// <param name="Engine">
/// True when every byte counted is the toolkit's to answer for (the 0-bytes target); false for the asynchronous
/// providers that yield, whose own state machines and the thread pool's hand-overs allocate in the same process.
/// </param>
internal sealed record AllocationResult(string Scenario, long Faults, long Bytes, bool Engine = true)
{
    public double BytesPerFault => (double)Bytes / Faults;
}

internal static class AllocationProbe
{
    public static List<AllocationResult> Measure(long pages)
    {
        var results = new List<AllocationResult>
        {
            Run("MISSING round trip (default)", () => new RegionReadScenario("alloc rt", () => new PinnedPerCpuRegion(), pages, sequential: false)),
            Run("MISSING, read-ahead 64", () => new RegionReadScenario("alloc ra64", () => new ReadAhead64Region(), pages, sequential: true)),
            Run("write-protect round trip", () => new WriteProtectScenario("alloc wp", pages)),
            Run("minor round trip", () => new MinorScenario("alloc minor", pages)),
            Run("AsSpan on fresh pages (populate, then touch)",
                () => new SpanAccessScenario("alloc span", () => new SpanAccessRegion(), pages, PageAccess.AsSpan, sequential: false, present: false)),
            Run("write-protect through LeaseSpan", () => new WriteProtectScenario("alloc lease", pages, ProtectedWrite.Lease)),
            Run("asynchronous tracking: AsSpan stores + CollectWrittenPages",
                () => new AsynchronousTrackingScenario("alloc async", pages, TrackingPhase.WritesAndCollect)),
            Run("asynchronous provider, task completed at once",
                () => new RegionReadScenario("alloc async at once", () => new AsyncAtOnceRegion(), pages, sequential: false)),
            Run("asynchronous provider after a yield, pooled state machine (not in the target)",
                () => new RegionReadScenario("alloc async pooled", () => new AsyncPooledYieldRegion(), pages, sequential: false)) with { Engine = false },
            Run("asynchronous provider after a yield, default state machine (not in the target)",
                () => new RegionReadScenario("alloc async yield", () => new AsyncYieldRegion(), pages, sequential: false)) with { Engine = false },
        };
        return results;
    }

    /// <summary>
    /// A first run warms every path (JIT, tiering, first-call P/Invoke binding); the second is measured. Process-wide
    /// precise counts include the handler threads. Execute allocates nothing itself (arrays are made in Prepare).
    /// </summary>
    private static AllocationResult Run(string name, Func<IFaultScenario> create)
    {
        for (int round = 0; ; round++)
        {
            IFaultScenario scenario = create();
            scenario.Prepare();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long faults = scenario.Execute();
            long after = GC.GetTotalAllocatedBytes(precise: true);
            scenario.Finish();
            if (round == 1)
            {
                return new AllocationResult(name, faults, after - before);
            }
        }
    }
}
