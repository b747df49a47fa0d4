using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Reporting;

/// <summary>Median and 90th percentile of a set of wall times, in microseconds.</summary>
internal readonly record struct Spread(double Median, double P90)
{
    public static Spread Of(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length == 0 ? new(double.NaN, double.NaN)
            : new(Percentile(sorted, 0.5), Percentile(sorted, 0.9));
    }

    public static double Percentile(double[] sorted, double q)
    {
        double rank = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}

/// <summary>Threads and descriptors of this process, from /proc/self.</summary>
internal readonly record struct ProcessCounts(int Threads, int Fds, long RssKiB)
{
    public static ProcessCounts Read()
    {
        int threads = 0;
        long rss = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return new(threads, Directory.GetFileSystemEntries("/proc/self/fd").Length - 1, rss); // minus the listing's own fd
    }
}

/// <summary>
/// One region count's figures. Round trips: per round, the µs per fault of each side (rounds run the sides back to
/// back, rotating which goes first); the ratios are the medians of the per-round ratios.
/// </summary>
internal sealed record ScaleResult(
    int Regions, Spread Open, Spread Dispose, ProcessCounts Before, ProcessCounts WithRegions, long ManagedBytes,
    double EngineTableBytesPerPage, List<double> CPerCpu, List<double> CSameCpu, List<double> Default, List<double> Spread,
    List<double> SpreadCPerCpu)
{
    public double ManagedBytesPerPage => (double)ManagedBytes / Regions / ManyRegions.PagesPerRegion;

    public double RssBytesPerPage => (WithRegions.RssKiB - Before.RssKiB) * 1024.0 / Regions / ManyRegions.PagesPerRegion;

    public static double MedianRatio(List<double> a, List<double> b) =>
        a.Count == 0 ? double.NaN : Median(a.Zip(b, (x, y) => x / y));

    public static double Median(IEnumerable<double> values) => Reporting.Spread.Of(values).Median;
}

/// <summary>
/// The scale baseline (<c>bench/run.sh --scale</c>): for each count, opens that many 16-page default regions (each
/// Open timed), reads threads, descriptors and memory, measures the random-fault round trip with them open (an
/// 8192-page default region and the C reference's pinned-per-CPU and same-CPU handlers, interleaved in rounds; with
/// 100 regions or more also faults spread over the small regions' own pages), then disposes them (each timed).
/// </summary>
internal static class ScaleProbe
{
    public static readonly int[] DefaultCounts = [1, 100, 1000];

    public const int Rounds = 5;

    public static List<ScaleResult> Measure(IReadOnlyList<int> counts)
    {
        long pages = Sizes.RoundTripPages;
        // Warm-up: JIT of both paths, first P/Invoke bindings, the C library loaded.
        Run(new NativeScenario("rt-pinned-percpu", pages));
        Run(new NativeScenario("rt-pinned-samecpu", pages));
        Run(new RegionReadScenario("scale rt", () => new PinnedPerCpuRegion(), pages, sequential: false));
        using (var warm = new PinnedPerCpuRegion())
        {
            warm.Open(ManyRegions.PagesPerRegion);
        }

        var results = new List<ScaleResult>();
        foreach (int count in counts)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            ProcessCounts before = ProcessCounts.Read();
            ManyRegions many = ManyRegions.Open(count);
            ProcessCounts open = ProcessCounts.Read();
            // The page-state table, one int a page: the staging buffers belong to the dispatcher's threads, one each
            // for the whole process, not to the regions.
            double tableBytesPerPage = sizeof(int);
            var cPerCpu = new List<double>();
            var cSame = new List<double>();
            var fallback = new List<double>();
            var spread = new List<double>();
            var spreadC = new List<double>();
            nint[][]? chunks = count >= 100 ? many.SpreadFaults(Rounds) : null;
            for (int round = 0; round < Rounds; round++)
            {
                // Rotate the order so no side always runs first.
                var steps = new List<Action>
                {
                    () => cPerCpu.Add(Run(new NativeScenario("rt-pinned-percpu", pages))),
                    () => cSame.Add(Run(new NativeScenario("rt-pinned-samecpu", pages))),
                    () => fallback.Add(Run(new RegionReadScenario("scale rt", () => new PinnedPerCpuRegion(), pages, sequential: false))),
                };
                if (chunks is not null)
                {
                    nint[] chunk = chunks[round];
                    steps.Add(() =>
                    {
                        long start = Stopwatch.GetTimestamp();
                        long faults = ManyRegions.Fault(chunk);
                        spread.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / faults);
                        spreadC.Add(cPerCpu[^1]);
                    });
                }

                for (int i = 0; i < steps.Count; i++)
                {
                    steps[(i + round) % steps.Count]();
                }
            }

            double[] dispose = many.DisposeAll();
            results.Add(new ScaleResult(count, Spread.Of(many.OpenMicroseconds), Spread.Of(dispose), before, open, many.ManagedBytes,
                tableBytesPerPage, cPerCpu, cSame, fallback, spread, spreadC));
            Console.WriteLine($"# scale: {count} regions done");
        }

        return results;
    }

    /// <summary>One untimed prepare, the timed execute, the untimed finish; µs per fault.</summary>
    private static double Run(IFaultScenario scenario)
    {
        scenario.Prepare();
        double us;
        try
        {
            long start = Stopwatch.GetTimestamp();
            long faults = scenario.Execute();
            us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / faults;
        }
        finally
        {
            scenario.Finish();
        }

        return us;
    }

    public static string ToMarkdown(List<ScaleResult> results)
    {
        var b = new StringBuilder();
        string F(double v) => double.IsNaN(v) ? "—" : v >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);
        b.AppendLine($"#### Open, Dispose, threads, descriptors, memory ({ManyRegions.PagesPerRegion}-page `PinnedPerCpuRegion`s, the default strategy, opened one after another)");
        b.AppendLine();
        b.AppendLine("| Regions open | Open µs (median / p90) | Dispose µs (median / p90) | Threads (before → open) | fds (before → open) | managed bytes per region per page | engine tables per page | RSS growth per page |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ScaleResult r in results)
        {
            b.AppendLine($"| {r.Regions:N0} | {F(r.Open.Median)} / {F(r.Open.P90)} | {F(r.Dispose.Median)} / {F(r.Dispose.P90)} | " +
                         $"{r.Before.Threads} → {r.WithRegions.Threads} | {r.Before.Fds} → {r.WithRegions.Fds} | {F(r.ManagedBytesPerPage)} B | " +
                         $"{F(r.EngineTableBytesPerPage)} B | {F(r.RssBytesPerPage)} B |");
        }

        b.AppendLine();
        b.AppendLine($"#### Random-fault round trip with the regions open (µs per fault; medians of {Rounds} interleaved rounds, ratios: median of per-round ratios)");
        b.AppendLine();
        b.AppendLine("| Regions open | C pinned per CPU | C same CPU (floor) | default 8192-page region | default / C per CPU | default / C same CPU | faults spread over the small regions | spread / C per CPU |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ScaleResult r in results)
        {
            b.AppendLine($"| {r.Regions:N0} | {F(ScaleResult.Median(r.CPerCpu))} | {F(ScaleResult.Median(r.CSameCpu))} | {F(ScaleResult.Median(r.Default))} | " +
                         $"{F(ScaleResult.MedianRatio(r.Default, r.CPerCpu))}× | {F(ScaleResult.MedianRatio(r.Default, r.CSameCpu))}× | " +
                         $"{F(ScaleResult.Median(r.Spread))} | {(r.Spread.Count == 0 ? "—" : F(ScaleResult.MedianRatio(r.Spread, r.SpreadCPerCpu)) + "×")} |");
        }

        b.AppendLine();
        b.AppendLine("Per-round µs per fault (C per CPU / C same CPU / default / spread):");
        b.AppendLine();
        foreach (ScaleResult r in results)
        {
            b.AppendLine($"- {r.Regions:N0} regions: " + string.Join("; ", Enumerable.Range(0, r.CPerCpu.Count).Select(i =>
                $"{F(r.CPerCpu[i])} / {F(r.CSameCpu[i])} / {F(r.Default[i])}" + (r.Spread.Count > i ? $" / {F(r.Spread[i])}" : ""))));
        }

        return b.ToString();
    }
}
