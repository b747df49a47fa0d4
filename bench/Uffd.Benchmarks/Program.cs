using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Uffd.Benchmarks.Benchmarks;
using Uffd.Benchmarks.Generator;
using Uffd.Benchmarks.Infrastructure;
using Uffd.Benchmarks.Native;
using Uffd.Benchmarks.Reporting;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks;

/// <summary>
/// Runs the fault benchmarks (C reference and generated regions in the same BenchmarkDotNet run), the allocation,
/// idle-CPU and generator measurements, and prints the comparison table. bench/run.sh is the documented entry point.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: Uffd.Benchmarks [--smoke] [--update-docs] [--only <Benchmark>]... [--pairs <text>]...
          --smoke        one iteration of every case at small sizes, in process (CI); checks that everything runs
          --update-docs  write the tables into docs/performance.md and the plot to docs/performance.png
                         (a full run only: the block it rewrites holds every table)
          --only NAME    run only these benchmark classes (RoundTrip, SequentialScan, AnonymousWrite,
                         FaultingThreads, WriteProtectRoundTrip, MinorRoundTrip, SpanAccess,
                         SpanAccessPresent, WriteTrackingCost, GeneratorBenchmarks),
                         or Paired for the interleaved pairs that decide the ratio targets
          --pairs TEXT   only the pairs whose name contains TEXT (implies --only Paired; repeatable: any of them)
          --scale [N,N]  only the scale baseline: Open/Dispose, threads, fds, memory and the round trip with
                         N 16-page regions open (default 1,100,1000); written to artifacts/bench/scale.md
        """;

    private static readonly Type[] Benchmarks =
    [
        typeof(RoundTrip), typeof(SequentialScan), typeof(AnonymousWrite), typeof(FaultingThreads),
        typeof(WriteProtectRoundTrip), typeof(MinorRoundTrip), typeof(SpanAccess), typeof(SpanAccessPresent),
        typeof(WriteTrackingCost), typeof(GeneratorBenchmarks),
    ];

    /// <summary>Rounds of the paired comparison that decides the ratio targets (each round runs both sides once).</summary>
    private const int PairedRounds = 15;

    public static int Main(string[] args)
    {
        bool smoke = false, updateDocs = false;
        var pairFilters = new List<string>();
        var only = new List<string>();
        int[]? scale = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--update-docs": updateDocs = true; break;
                case "--only" when i + 1 < args.Length: only.Add(args[++i]); break;
                case "--pairs" when i + 1 < args.Length: pairFilters.Add(args[++i]); only.Add("Paired"); break;
                case "--scale":
                    scale = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                        ? args[++i].Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                        : ScaleProbe.DefaultCounts;
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (updateDocs && only.Count > 0)
        {
            // The results block is rewritten whole, with one run's machine line: a subset would drop the other tables.
            Console.Error.WriteLine("--update-docs needs a full run: --only and --pairs would replace every table of docs/performance.md with a subset.");
            return 2;
        }

        if (smoke)
        {
            Environment.SetEnvironmentVariable(Sizes.SmokeVariable, "1");
        }

        string root = RepositoryRoot();
        string artifacts = Path.Combine(root, "artifacts", "bench");
        Directory.CreateDirectory(artifacts);
        string machine = MachineDescription.Describe();
        Console.WriteLine($"# C reference: {NativeReference.ScenarioCount()} scenarios in libuffdref.so; machine: {machine}");

        if (scale is not null)
        {
            // Not BenchmarkDotNet: Open and Dispose are one-shot costs, and the regions must stay open across the
            // round-trip rounds. The C reference runs in the same process, interleaved with the regions.
            if (smoke)
            {
                scale = [1, 10];
            }

            List<ScaleResult> scaleResults = ScaleProbe.Measure(scale);
            string scaleText = $"Measured by `bench/run.sh --scale {string.Join(',', scale)}` on: {machine}." + Environment.NewLine + Environment.NewLine +
                               ScaleProbe.ToMarkdown(scaleResults);
            Console.WriteLine();
            Console.WriteLine(scaleText);
            File.WriteAllText(Path.Combine(artifacts, "scale.md"), scaleText);
            Console.WriteLine($"scale: {Path.Combine(artifacts, "scale.md")}");
            return 0;
        }

        Type[] selected = Benchmarks.Where(t => only.Count == 0 || only.Contains(t.Name)).ToArray();
        Summary[] summaries = selected.Length == 0 ? [] :
            BenchmarkRunner.Run(selected, smoke ? BenchmarkSetup.Smoke(artifacts) : BenchmarkSetup.Measured(artifacts));
        List<CaseResult> cases = CaseResult.From(summaries);

        bool extras = only.Count == 0;
        List<PairedResult> paired = extras || only.Contains("Paired") ? PairedComparison.Measure(rounds: smoke ? 1 : PairedRounds, pairFilters) : [];
        List<AllocationResult> allocations = extras || only.Contains("Allocations") ? AllocationProbe.Measure(Sizes.RoundTripPages) : [];
        IdleCpuResult? idle = extras ? IdleCpu.Measure(TimeSpan.FromSeconds(smoke ? 1 : 5)) : null;
        GeneratorRerunReport? generator = extras ? GeneratorRerunProof.Run(500) : null;

        var report = new ComparisonReport(cases, paired, allocations, idle, generator);
        string tables = report.ToMarkdown();
        string results = $"Measured by `bench/run.sh{(smoke ? " --smoke" : "")}` on: {machine}.{Environment.NewLine}" +
                         $"Medians of {(smoke ? 1 : BenchmarkSetup.Iterations * BenchmarkSetup.Launches)} runs per case ({(smoke ? 1 : BenchmarkSetup.Launches)} processes); each ratio compares figures of this same run." +
                         Environment.NewLine + Environment.NewLine + tables;
        Console.WriteLine();
        Console.WriteLine(results);

        File.WriteAllText(Path.Combine(artifacts, "results.md"), results);
        string plot = Path.Combine(artifacts, "performance.png");
        PerformancePlot.Save(cases, plot);
        Console.WriteLine($"results: {Path.Combine(artifacts, "results.md")}, plot: {plot}");
        if (updateDocs && !smoke)
        {
            DocsUpdater.Update(Path.Combine(root, "docs", "performance.md"), results);
            File.Copy(plot, Path.Combine(root, "docs", "performance.png"), overwrite: true);
            Console.WriteLine("docs/performance.md and docs/performance.png updated");
        }

        List<CaseResult> failed = report.Failed.ToList();
        int expected = summaries.Sum(s => s.BenchmarksCases.Length);
        if (failed.Count > 0 || cases.Count != expected || (selected.Length > 0 && cases.Count == 0))
        {
            foreach (CaseResult f in failed)
            {
                Console.Error.WriteLine($"FAILED: {f.Family} {f.Handler} read-ahead={f.ReadAhead} faulters={f.Faulters} handlers={f.Handlers}");
            }

            Console.Error.WriteLine($"{failed.Count} of {expected} benchmark cases failed (their errors are in the log above).");
            return 1;
        }

        Console.WriteLine($"{cases.Count} benchmark cases ran; targets met: {report.Targets.Count(t => t.Met)} of {report.Targets.Count}");
        return 0;
    }

    private static string RepositoryRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "UffdGen.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run from inside the UffdGen repository (no UffdGen.sln above the current folder).");
    }
}
