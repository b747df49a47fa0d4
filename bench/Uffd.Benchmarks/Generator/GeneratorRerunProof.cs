using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Uffd.Generators;

namespace Uffd.Benchmarks.Generator;

/// <summary>
/// What the generator did on <see cref="RegionCorpus"/>: its files, its times, and how many of its step outputs a rerun
/// after an unrelated edit had to produce anew.
/// </summary>
/// <param name="Regions">Regions in the corpus.</param>
/// <param name="GeneratedFiles">Files the first run added.</param>
/// <param name="FirstRunMs">Median wall time of a first run (new driver, compilation not yet bound).</param>
/// <param name="RerunMs">Median wall time of a rerun after one unrelated method body changed.</param>
/// <param name="RerunOutputs">Outputs of the generator's tracked steps and of its source output, on the rerun.</param>
/// <param name="RerunCachedOrUnchanged">
/// Of those, outputs reused: Cached (the step did not run) or Unchanged (it ran and produced an equal value; the
/// parser re-runs for every region whenever the compilation changes, so its outputs are Unchanged, not Cached).
/// </param>
/// <param name="RerunModifiedOrNew">Of those, outputs that differ from the previous run: the work an unrelated edit should never cause.</param>
public sealed record GeneratorRerunReport(
    int Regions,
    int GeneratedFiles,
    double FirstRunMs,
    double RerunMs,
    int RerunOutputs,
    int RerunCachedOrUnchanged,
    int RerunModifiedOrNew);

/// <summary>
/// The numbers behind the sentence "rerun after an unrelated edit: 0 of N step outputs recomputed". A quick Stopwatch
/// measurement for the report; <see cref="GeneratorBenchmarks"/> is the careful one.
/// </summary>
public static class GeneratorRerunProof
{
    private const int Samples = 5;
    private const int MinWarmupRuns = 3;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(3);

    public static GeneratorRerunReport Run(int regions)
    {
        var corpus = new RegionCorpus(regions);
        string[] stepNames = GeneratorStepNames();

        GeneratorDriver driver = RegionCorpus.CreateDriver(trackSteps: true).RunGenerators(corpus.Compilation);
        GeneratorRunResult first = SingleResult(driver);
        driver = driver.RunGenerators(corpus.WithUnrelatedMethodBodyChanged(variant: 1));
        GeneratorRunResult rerun = SingleResult(driver);

        var reasons = new List<IncrementalStepRunReason>();
        foreach (string step in stepNames)
        {
            // A renamed or dropped step would silently shrink N: insist on seeing every name the generator declares.
            if (!rerun.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> runs))
            {
                throw new InvalidOperationException($"the generator declares step {step}, but the rerun did not track it");
            }

            reasons.AddRange(runs.SelectMany(run => run.Outputs).Select(output => output.Reason));
        }

        reasons.AddRange(rerun.TrackedOutputSteps.Values.SelectMany(runs => runs).SelectMany(run => run.Outputs).Select(output => output.Reason));
        int reused = reasons.Count(reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);

        return new GeneratorRerunReport(
            regions,
            first.GeneratedSources.Length,
            TimeFirstRun(corpus),
            TimeRerun(corpus),
            reasons.Count,
            reused,
            reasons.Count - reused);
    }

    /// <summary>
    /// The tracking names the generator declares (the constants of its internal TrackingNames class), so a step added
    /// there is counted without editing this file. Roslyn's own steps (ForAttributeWithMetadataName's syntax scan)
    /// are tracked too but are not the generator's: they re-read the edited file, as they must.
    /// </summary>
    private static string[] GeneratorStepNames()
    {
        Type names = typeof(FaultRegionGenerator).Assembly.GetType("Uffd.Generators.TrackingNames", throwOnError: true)!;
        string[] constants = names.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToArray();
        return constants.Length > 0 ? constants : throw new InvalidOperationException("the generator declares no tracking names");
    }

    private static double TimeFirstRun(RegionCorpus corpus)
    {
        // Clone: the same trees with no symbols bound yet, so each sample pays for binding, as a fresh build does.
        return Median(() => RegionCorpus.CreateDriver(trackSteps: false).RunGenerators(corpus.Compilation.Clone()));
    }

    private static double TimeRerun(RegionCorpus corpus)
    {
        // Alternate two edited texts, so each sample is a rerun after a real edit and not after no change at all.
        Compilation[] edited = { corpus.WithUnrelatedMethodBodyChanged(variant: 1), corpus.WithUnrelatedMethodBodyChanged(variant: 2) };
        GeneratorDriver driver = RegionCorpus.CreateDriver(trackSteps: false).RunGenerators(corpus.Compilation);
        int next = 0;
        driver = driver.RunGenerators(edited[next++ % 2].Clone());
        return Median(() => driver = driver.RunGenerators(edited[next++ % 2].Clone()));
    }

    private static double Median(Action action)
    {
        // Unmeasured runs first: in a fresh process Roslyn's code starts unoptimized and the tiered JIT takes some
        // 20 runs (seconds, on a busy two-core machine) to settle; earlier samples are up to three times slower than
        // the steady state a build server or the IDE lives in. Warming for a time, not a count, adapts to the machine.
        long warmupStart = Stopwatch.GetTimestamp();
        for (int runs = 0; runs < MinWarmupRuns || Stopwatch.GetElapsedTime(warmupStart) < WarmupTime; runs++)
        {
            action();
        }

        var samples = new double[Samples];
        for (int i = 0; i < Samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples[Samples / 2];
    }

    private static GeneratorRunResult SingleResult(GeneratorDriver driver)
    {
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return result.Exception is null ? result : throw new InvalidOperationException("the generator failed", result.Exception);
    }
}
