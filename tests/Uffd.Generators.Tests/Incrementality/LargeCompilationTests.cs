using Microsoft.CodeAnalysis;
using Uffd.Benchmarks.Generator;
using Uffd.Generators.Model;
using Uffd.Generators.Tests.Infrastructure;
using Uffd.SourceGeneration;

namespace Uffd.Generators.Tests.Incrementality;

/// <summary>
/// The generator benchmark's 500-region compilation: every region is generated, an unrelated edit re-runs nothing
/// past the parser (whose models compare equal), and resizing one region re-emits that region alone.
/// </summary>
public sealed class LargeCompilationTests : IClassFixture<LargeCompilationTests.FirstRun>
{
    private const int Regions = 500;

    private static readonly string[] StepNames =
    {
        TrackingNames.ParseRegion, TrackingNames.ValidRegions, TrackingNames.EmitRegion, TrackingNames.CollectSources,
    };

    private readonly FirstRun first;

    public LargeCompilationTests(FirstRun first) => this.first = first;

    /// <summary>The corpus and the generator's first run over it, shared: drivers are immutable, so each test reruns from it.</summary>
    public sealed class FirstRun
    {
        public FirstRun()
        {
            Corpus = new RegionCorpus(Regions);
            Run = GeneratorHarness.Run(RegionCorpus.CreateDriver(trackSteps: true), Corpus.Compilation);
        }

        internal RegionCorpus Corpus { get; }

        internal GeneratorRun Run { get; }
    }

    [Fact]
    public void TheCorpusCompilesAndEveryRegionIsGenerated()
    {
        Diagnostic[] corpusProblems = first.Corpus.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(corpusProblems.Length == 0, "the corpus does not compile cleanly:\n" + string.Join("\n", corpusProblems.Take(10)));

        Assert.Null(first.Run.Result.Exception);
        Assert.Empty(first.Run.Diagnostics);
        Assert.Equal(first.Corpus.ExpectedHintNames(), first.Run.Sources.Select(s => s.HintName));

        // The generated code must compile with the code it was generated from. Binding the whole output takes ~10 s, so
        // the files declaring one region of each shape and a nested one compile here, alone with their generated
        // files; GeneratedSourceTests compiles every shape, and the rest of the corpus only repeats them.
        HashSet<string> sampleFiles = Enumerable.Range(0, RegionCorpus.Shapes)
            .Append(Enumerable.Range(0, Regions).First(RegionCorpus.IsNested))
            .Select(RegionCorpus.RegionFilePath)
            .ToHashSet();
        IEnumerable<string> sampleHints = Enumerable.Range(0, Regions)
            .Where(region => sampleFiles.Contains(RegionCorpus.RegionFilePath(region)))
            .Select(RegionCorpus.HintName);
        Compilation sample = first.Corpus.Compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(
            first.Corpus.Compilation.SyntaxTrees.Where(tree => sampleFiles.Contains(tree.FilePath))
                .Concat(sampleHints.Select(hint => first.Run.Sources.Single(s => s.HintName == hint).SyntaxTree)));
        Diagnostic[] outputProblems = sample.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(outputProblems.Length == 0, "the generated code does not compile cleanly:\n" + string.Join("\n", outputProblems.Take(10)));
    }

    [Fact]
    public void TheCorpusCoversEveryRegionShape()
    {
        // A corpus of one shape would time one path of the emitter; this keeps the workload a realistic mix.
        RegionSpec[] specs = Outputs(first.Run.Result, TrackingNames.ValidRegions).Select(o => (RegionSpec)o.Value).ToArray();
        Assert.Equal(Regions, specs.Length);

        Assert.Contains(specs, s => s.Settings.Mode == RegionFaultMode.Missing);
        Assert.Contains(specs, s => s.Settings.Mode == RegionFaultMode.WriteProtect);
        Assert.Contains(specs, s => s.Settings.Mode == RegionFaultMode.Minor);
        Assert.Contains(specs, s => s.Settings.Mode == (RegionFaultMode.Missing | RegionFaultMode.WriteProtect) && s.Settings.ProtectOnFill);
        Assert.Contains(specs, s => s.Settings.Pages == 0);
        Assert.Contains(specs, s => s.Settings.Pages > 0);
        Assert.Contains(specs, s => s.Settings.ReadAhead > 0);
        Assert.Contains(specs, s => s.Settings.HandlerThreads > 0);
        Assert.Contains(specs, s => s.Settings.OnProviderError != RegionErrorPolicy.FailFast);
        Assert.Contains(specs, s => s.Type.ContainingTypes.Count > 0);
        Assert.Contains(specs, s => s.Provider is { IsStatic: true });

        var providerSignatures = specs.Where(s => s.Provider is not null).Select(s => (s.Provider!.Input, s.Provider.ReturnsPageFill)).Distinct().ToArray();
        Assert.True(providerSignatures.Length >= 4, $"only {providerSignatures.Length} provider signatures");
        Assert.Equal(2, specs.Where(s => s.WriteHandler is not null).Select(s => s.WriteHandler!.Input).Distinct().Count());
    }

    [Fact]
    public void ChangingAnUnrelatedMethodBodyReusesEveryStep() =>
        AssertNothingRecomputed(first.Corpus.WithUnrelatedMethodBodyChanged(variant: 1));

    [Fact]
    public void AddingAnUnrelatedFileReusesEveryStep() =>
        AssertNothingRecomputed(first.Corpus.WithUnrelatedFileAdded());

    [Fact]
    public void ResizingOneRegionReEmitsOnlyThatRegion()
    {
        // Not the first region of its file: the other regions of the edited file must stay cached too.
        const int Edited = 123;
        GeneratorRun second = GeneratorHarness.Run(first.Run.Driver, first.Corpus.WithRegionResized(Edited));
        Assert.Null(second.Result.Exception);

        var emitted = Outputs(second.Result, TrackingNames.EmitRegion).ToArray();
        Assert.Equal(Regions, emitted.Length);
        var modified = Assert.Single(emitted, o => o.Reason != IncrementalStepRunReason.Cached);
        Assert.Equal(IncrementalStepRunReason.Modified, modified.Reason);
        Assert.Equal(RegionCorpus.TypeFileNameHint(Edited), ((GeneratedRegionSource)modified.Value).FileNameHint);

        // Same files in the same order; only the edited region's text differs, and it carries the new page count.
        Assert.Equal(first.Run.Sources.Select(s => s.HintName), second.Sources.Select(s => s.HintName));
        string[] changed = first.Run.Sources.Zip(second.Sources)
            .Where(pair => pair.First.SourceText.ToString() != pair.Second.SourceText.ToString())
            .Select(pair => pair.First.HintName)
            .ToArray();
        Assert.Equal(new[] { RegionCorpus.HintName(Edited) }, changed);

        long pages = PagesOf(second, Edited);
        Assert.Equal(PagesOf(first.Run, Edited) + RegionCorpus.ResizeBy, pages);
        Assert.Contains($"public void Open() => Open({pages});", SourceOf(second, Edited), StringComparison.Ordinal);
    }

    private void AssertNothingRecomputed(Compilation edited)
    {
        GeneratorRun second = GeneratorHarness.Run(first.Run.Driver, edited);
        Assert.Null(second.Result.Exception);

        foreach (string step in StepNames)
        {
            Assert.True(second.Result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
        }

        // Every step the generator names, and its source output: all outputs reused (Unchanged: run again, equal value).
        var outputs = StepNames.SelectMany(step => Outputs(second.Result, step).Select(o => (Step: step, o.Value, o.Reason)))
            .Concat(second.Result.TrackedOutputSteps.SelectMany(s => s.Value.SelectMany(run => run.Outputs.Select(o => (Step: s.Key, o.Value, o.Reason)))))
            .ToArray();
        // At least parse, filter and emit per region: fewer would mean the loop below checked next to nothing.
        Assert.True(outputs.Length >= 3 * Regions, $"only {outputs.Length} tracked outputs");
        string[] recomputed = outputs
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .Select(o => $"{o.Step}: {o.Reason} {o.Value}")
            .ToArray();
        Assert.True(recomputed.Length == 0, $"{recomputed.Length} outputs recomputed:\n" + string.Join("\n", recomputed.Take(10)));

        // Stricter: only the parser ran again (it does on any compilation change); every step after it was skipped.
        Assert.All(
            outputs.Where(o => o.Step != TrackingNames.ParseRegion),
            o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{o.Step}: {o.Reason} {o.Value}"));

        Assert.Equal(
            first.Run.Sources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.Sources.Select(s => (s.HintName, s.SourceText.ToString())));
    }

    private static long PagesOf(GeneratorRun run, int region) =>
        Outputs(run.Result, TrackingNames.ValidRegions)
            .Select(o => (RegionSpec)o.Value)
            .Single(spec => spec.Type.FileNameHint == RegionCorpus.TypeFileNameHint(region))
            .Settings.Pages;

    private static string SourceOf(GeneratorRun run, int region) =>
        run.Sources.Single(s => s.HintName == RegionCorpus.HintName(region)).SourceText.ToString();

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs);
}
