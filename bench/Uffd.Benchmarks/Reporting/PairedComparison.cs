using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Uffd.Benchmarks.Benchmarks;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Reporting;

/// <summary>What the generated side of a pair is compared with.</summary>
internal enum PairedBaseline
{
    /// <summary>The C reference doing the same work.</summary>
    C,

    /// <summary>The same round trip with the synchronous provider (the asynchronous-provider pairs).</summary>
    Synchronous,

    /// <summary>
    /// The same generated region's <c>Read</c> of the same pages (the span-access pairs); also the C reference's populate
    /// against its plain load, the kernel's share of the difference, with no target.
    /// </summary>
    Read,
}

/// <summary>One pair, run alternately: the median of the per-round time ratios (generated ÷ reference).</summary>
internal sealed record PairedResult(string Name, string Generated, string Reference, int Rounds, double GeneratedMicroseconds, double ReferenceMicroseconds, double MedianRatio, double Limit, PairedBaseline Baseline)
{
    public bool Met => MedianRatio <= Limit;
}

/// <summary>
/// The targets' ratios, measured so that the machine's drift cancels: each round runs the generated scenario and its
/// C counterpart back to back (alternating which goes first) in this process, and the ratio of the two times is
/// taken per round. BenchmarkDotNet's tables run each case in a block of its own, a minute or more apart from its
/// counterpart, and on a shared 2-vCPU guest that minute moves a round trip by 10-20 %.
/// </summary>
internal static class PairedComparison
{
    private sealed record Pair(string Name, Func<ScenarioBenchmark> Generated, Func<ScenarioBenchmark> Reference, double Limit, PairedBaseline Baseline = PairedBaseline.C);

    private static readonly Pair[] Pairs =
    [
        new("Round trip, default vs C pinned per CPU (same strategy)",
            () => new RoundTrip { Handler = RoundTrip.Default }, () => new RoundTrip { Handler = RoundTrip.CPinnedPerCpu }, 1.05),
        new("Round trip, 1 handler vs C 1 pinned (same strategy)",
            () => new RoundTrip { Handler = RoundTrip.OneHandler }, () => new RoundTrip { Handler = RoundTrip.COnePinned }, 1.05),
        new("Round trip, default vs C blocking (seed): at least 3× faster",
            () => new RoundTrip { Handler = RoundTrip.Default }, () => new RoundTrip { Handler = RoundTrip.CBlocking }, 1 / 3.0),
        new("Sequential scan, read-ahead 16 (same strategy)",
            () => new SequentialScan { Handler = SequentialScan.UffdGen, ReadAhead = 16 }, () => new SequentialScan { Handler = SequentialScan.C, ReadAhead = 16 }, 1.05),
        new("Sequential scan, read-ahead 64 (same strategy)",
            () => new SequentialScan { Handler = SequentialScan.UffdGen, ReadAhead = 64 }, () => new SequentialScan { Handler = SequentialScan.C, ReadAhead = 64 }, 1.05),
        new("Sequential scan, read-ahead 256 (same strategy)",
            () => new SequentialScan { Handler = SequentialScan.UffdGen, ReadAhead = 256 }, () => new SequentialScan { Handler = SequentialScan.C, ReadAhead = 256 }, 1.05),
        new("2 faulting threads × 2 pinned handlers (same strategy)",
            () => new FaultingThreads { Handler = FaultingThreads.UffdGen, Faulters = 2, Handlers = 2 }, () => new FaultingThreads { Handler = FaultingThreads.C, Faulters = 2, Handlers = 2 }, 1.05),
        new("4 faulting threads × 2 pinned handlers (same strategy)",
            () => new FaultingThreads { Handler = FaultingThreads.UffdGen, Faulters = 4, Handlers = 2 }, () => new FaultingThreads { Handler = FaultingThreads.C, Faulters = 4, Handlers = 2 }, 1.05),
        new("2 faulting threads, UffdGen 2 handlers vs C's blocking handler",
            () => new FaultingThreads { Handler = FaultingThreads.UffdGen, Faulters = 2, Handlers = 2 }, () => new FaultingThreads { Handler = FaultingThreads.C, Faulters = 2, Handlers = 1 }, 1.0),
        new("4 faulting threads, UffdGen 2 handlers vs C's blocking handler",
            () => new FaultingThreads { Handler = FaultingThreads.UffdGen, Faulters = 4, Handlers = 2 }, () => new FaultingThreads { Handler = FaultingThreads.C, Faulters = 4, Handlers = 1 }, 1.0),
        new("Write-protect round trip, default vs C pinned per CPU (same strategy)",
            () => new WriteProtectRoundTrip { Handler = FaultKindRoundTrip.Default }, () => new WriteProtectRoundTrip { Handler = FaultKindRoundTrip.CPinnedPerCpu }, 1.05),
        new("Minor round trip, default vs C pinned per CPU (same strategy)",
            () => new MinorRoundTrip { Handler = FaultKindRoundTrip.Default }, () => new MinorRoundTrip { Handler = FaultKindRoundTrip.CPinnedPerCpu }, 1.05),
        new("Synchronous write tracking through Write, default vs C pinned per CPU (same strategy)",
            () => Tracking(WriteTrackingCost.SynchronousFault, WriteTrackingCost.UffdGen), () => Tracking(WriteTrackingCost.SynchronousFault, WriteTrackingCost.C), 1.05),
        new("Synchronous write tracking through LeaseSpan vs C writer unprotecting first (same strategy)",
            () => Tracking(WriteTrackingCost.SynchronousLease, WriteTrackingCost.UffdGen), () => Tracking(WriteTrackingCost.SynchronousLease, WriteTrackingCost.C), 1.05),
        new("Asynchronous write tracking, AsSpan stores + one collect vs C WP_ASYNC + PAGEMAP_SCAN (same strategy)",
            () => Tracking(WriteTrackingCost.Asynchronous, WriteTrackingCost.UffdGen), () => Tracking(WriteTrackingCost.Asynchronous, WriteTrackingCost.C), 1.05),
        new("Collect and re-protect every written page vs C PAGEMAP_SCAN (same strategy)",
            () => Tracking(WriteTrackingCost.Collect, WriteTrackingCost.UffdGen), () => Tracking(WriteTrackingCost.Collect, WriteTrackingCost.C), 1.05),
        new("Collect over a region with nothing written vs C PAGEMAP_SCAN (same strategy)",
            () => Tracking(WriteTrackingCost.CollectClean, WriteTrackingCost.UffdGen), () => Tracking(WriteTrackingCost.CollectClean, WriteTrackingCost.C), 1.05),
        new("Round trip, asynchronous provider completed at once vs synchronous provider (same engine)",
            () => new AsyncProviderRoundTrip { Handler = AsyncProviderRoundTrip.AtOnce }, () => new AsyncProviderRoundTrip { Handler = AsyncProviderRoundTrip.Synchronous }, 1.05, PairedBaseline.Synchronous),
        new("Round trip, asynchronous provider after a yield vs synchronous provider (a thread-pool hop)",
            () => new AsyncProviderRoundTrip { Handler = AsyncProviderRoundTrip.AfterYield }, () => new AsyncProviderRoundTrip { Handler = AsyncProviderRoundTrip.Synchronous }, double.PositiveInfinity, PairedBaseline.Synchronous),
        new("AsSpan vs Read (1 byte), random fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.AsSpan }, () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.ReadByte }, 1.05, PairedBaseline.Read),
        new("AsReadOnlySpan vs Read (1 byte), random fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.AsReadOnlySpan }, () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.ReadByte }, 1.05, PairedBaseline.Read),
        new("AsSpan vs Read (page), random fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.AsSpan }, () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.ReadPage }, 1.05, PairedBaseline.Read),
        new("AsSpan vs Read (1 byte), sequential fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Sequential, Handler = SpanAccess.AsSpan }, () => new SpanAccess { Pattern = SpanAccess.Sequential, Handler = SpanAccess.ReadByte }, 1.05, PairedBaseline.Read),
        new("AsSpan vs Read (1 byte), sequential fresh pages, read-ahead 16",
            () => new SpanAccess { Pattern = SpanAccess.SequentialReadAhead16, Handler = SpanAccess.AsSpan }, () => new SpanAccess { Pattern = SpanAccess.SequentialReadAhead16, Handler = SpanAccess.ReadByte }, 1.05, PairedBaseline.Read),
        new("AsSpan (populate, a provider that may poison) vs Read (1 byte), random fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.AsSpanPopulate }, () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.ReadByte }, double.PositiveInfinity, PairedBaseline.Read),
        new("C populate vs C load, random fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.CPopulate }, () => new SpanAccess { Pattern = SpanAccess.Random, Handler = SpanAccess.C }, double.PositiveInfinity, PairedBaseline.Read),
        new("C populate vs C load, sequential fresh pages",
            () => new SpanAccess { Pattern = SpanAccess.Sequential, Handler = SpanAccess.CPopulate }, () => new SpanAccess { Pattern = SpanAccess.Sequential, Handler = SpanAccess.C }, double.PositiveInfinity, PairedBaseline.Read),
        new("AsSpan vs Read (1 byte), random present pages",
            () => new SpanAccessPresent { Pattern = SpanAccessBase.Random, Handler = SpanAccessBase.AsSpan }, () => new SpanAccessPresent { Pattern = SpanAccessBase.Random, Handler = SpanAccessBase.ReadByte }, 1.05, PairedBaseline.Read),
        new("AsSpan vs Read (1 byte), sequential present pages",
            () => new SpanAccessPresent { Pattern = SpanAccessBase.Sequential, Handler = SpanAccessBase.AsSpan }, () => new SpanAccessPresent { Pattern = SpanAccessBase.Sequential, Handler = SpanAccessBase.ReadByte }, 1.05, PairedBaseline.Read),
    ];

    private static WriteTrackingCost Tracking(string tracking, string handler) => new() { Tracking = tracking, Handler = handler };

    /// <summary>Runs the pairs whose name contains any of <paramref name="nameFilters"/> (all of them when there is none).</summary>
    public static List<PairedResult> Measure(int rounds, IReadOnlyList<string> nameFilters)
    {
        var results = new List<PairedResult>();
        foreach (Pair pair in Pairs.Where(p => nameFilters.Count == 0 || nameFilters.Any(f => p.Name.Contains(f, StringComparison.OrdinalIgnoreCase))))
        {
            ScenarioBenchmark generated = pair.Generated(), reference = pair.Reference();
            WarmUp(generated, reference);
            var ratios = new List<double>();
            var generatedTimes = new List<double>();
            var referenceTimes = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                bool generatedFirst = round % 2 == 0;
                double first = TimeOnce(generatedFirst ? generated : reference);
                double second = TimeOnce(generatedFirst ? reference : generated);
                double g = generatedFirst ? first : second, r = generatedFirst ? second : first;
                generatedTimes.Add(g / generated.Pages);
                referenceTimes.Add(r / reference.Pages);
                ratios.Add(g / generated.Pages / (r / reference.Pages));
            }

            results.Add(new PairedResult(pair.Name, Describe(generated), Describe(reference), rounds,
                Median(generatedTimes), Median(referenceTimes), Median(ratios), pair.Limit, pair.Baseline));
        }

        return results;
    }

    /// <summary>
    /// Untimed runs of both sides until each has run 3 times and half a second has passed. The provider and what it
    /// calls (Span.Fill here) start as tier-0 code and are promoted by tiered compilation after a delay that every new
    /// method pushes back; each pair brings new region types, so without this the first rounds timed tier-0 fills.
    /// </summary>
    private static void WarmUp(ScenarioBenchmark generated, ScenarioBenchmark reference)
    {
        long start = Stopwatch.GetTimestamp();
        for (int run = 0; run < 3 || Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(500); run++)
        {
            TimeOnce(generated);
            TimeOnce(reference);
        }
    }

    /// <summary>Microseconds of the timed part of one run (prepare and finish untimed, as in the benchmarks).</summary>
    private static double TimeOnce(ScenarioBenchmark benchmark)
    {
        benchmark.PrepareRun();
        long start = Stopwatch.GetTimestamp();
        benchmark.Run();
        double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        benchmark.FinishRun();
        return microseconds;
    }

    private static string Describe(ScenarioBenchmark benchmark) => benchmark switch
    {
        RoundTrip r => r.Handler,
        SequentialScan s => $"{s.Handler}, read-ahead {s.ReadAhead}",
        FaultingThreads t => $"{t.Handler} {t.Faulters}×{t.Handlers}",
        FaultKindRoundTrip k => k.Handler,
        SpanAccessBase a => $"{a.Handler}, {a.Pattern}",
        WriteTrackingCost w => $"{w.Handler} {w.Tracking}",
        _ => benchmark.GetType().Name,
    };

    private static double Median(List<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
