using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Uffd.Benchmarks.Infrastructure;

/// <summary>The two BenchmarkDotNet configurations: the measured run and the CI smoke pass.</summary>
internal static class BenchmarkSetup
{
    /// <summary>Timed runs per case and process; the report uses the median over all processes.</summary>
    public const int Iterations = 7;

    /// <summary>Processes per case: the machine's noise drifts, so two launches median over 14 runs.</summary>
    public const int Launches = 2;

    /// <summary>
    /// Monitoring strategy: each iteration is one whole scenario run (one invocation, no pilot stage, no overhead
    /// subtraction), which is what a run that faults thousands of fresh pages is. One untimed warm-up run first.
    /// Each benchmark case in its own processes, so no case inherits another's JIT, GC or thread state.
    /// </summary>
    public static IConfig Measured(string artifacts) => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(Launches)
            .WithWarmupCount(1)
            .WithIterationCount(Iterations)
            .WithId("faults"))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddExporter(CsvMeasurementsExporter.Default)
        .WithArtifactsPath(Path.Combine(artifacts, "BenchmarkDotNet"))
        .WithOptions(ConfigOptions.JoinSummary);

    /// <summary>
    /// One iteration of every case at smoke sizes, in this process, from whatever build is at hand (CI runs the Debug
    /// build the tests already made): it proves every scenario runs and checks, not how fast.
    /// </summary>
    public static IConfig Smoke(string artifacts) => ManualConfig.CreateMinimumViable()
        .AddJob(Job.Dry
            .WithStrategy(RunStrategy.Monitoring)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("smoke"))
        .WithArtifactsPath(Path.Combine(artifacts, "BenchmarkDotNet"))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
}
