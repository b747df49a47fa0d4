using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators.Model;
using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Incrementality;

/// <summary>
/// The pipeline caches: an unrelated edit re-runs only the parser, whose equal model stops everything after it; an
/// edit to one region rebuilds that region alone.
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] StepNames =
    {
        TrackingNames.ParseRegion, TrackingNames.ValidRegions, TrackingNames.EmitRegion, TrackingNames.CollectSources,
    };

    private static string Region(string name, int pages) => $$"""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = {{pages}})]
            public partial class {{name}}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public int Helper() => 1;
            }
        }
        """;

    private const string Unrelated = """
        namespace Demo
        {
            public static class Unrelated
            {
                public static int Compute() => 1;
            }
        }
        """;

    [Fact]
    public void AddingAnUnrelatedFileReusesEveryStep()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(c => c.AddSyntaxTrees(Parse("public sealed class Another { }", "Another.cs")));

        AssertAllCachedOrUnchanged(second.Result);
        AssertSameSources(first, second);
    }

    [Fact]
    public void ChangingAnUnrelatedMethodBodyReusesEveryStep()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(c => Replace(c, "User2.cs", Unrelated.Replace("=> 1", "=> 2", StringComparison.Ordinal)));

        AssertAllCachedOrUnchanged(second.Result);
        AssertSameSources(first, second);
    }

    [Fact]
    public void ChangingAMethodBodyInTheRegionFileReparsesToAnEqualModel()
    {
        // The parser re-runs for the edited file, but its model is equal, so nothing after it runs again.
        (GeneratorRun first, GeneratorRun second) =
            RunTwice(c => Replace(c, "User0.cs", Region("Alpha", 64).Replace("Helper() => 1", "Helper() => 2", StringComparison.Ordinal)));

        Assert.Contains(Outputs(second.Result, TrackingNames.ParseRegion), o => o.Reason == IncrementalStepRunReason.Unchanged);
        AssertAllCachedOrUnchanged(second.Result);
        AssertSameSources(first, second);
    }

    [Fact]
    public void ChangingOneRegionRebuildsOnlyThatRegion()
    {
        (GeneratorRun first, GeneratorRun second) = RunTwice(c => Replace(c, "User0.cs", Region("Alpha", 128)));

        // The attribute transform re-runs for every region when the compilation changes (semantics may have), so
        // Beta's parse is Unchanged (run, equal model); from there on, Beta is Cached (not run at all).
        var parsed = Outputs(second.Result, TrackingNames.ParseRegion).ToDictionary(o => ((RegionSpec)o.Value).Type.DisplayName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, parsed["Alpha"]);
        Assert.True(parsed["Beta"] is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, $"Beta's parse was {parsed["Beta"]}");

        var valid = Outputs(second.Result, TrackingNames.ValidRegions).ToDictionary(o => ((RegionSpec)o.Value).Type.DisplayName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, valid["Alpha"]);
        Assert.Equal(IncrementalStepRunReason.Cached, valid["Beta"]);

        var emitted = Outputs(second.Result, TrackingNames.EmitRegion).ToDictionary(o => ((GeneratedRegionSource)o.Value).FileNameHint, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, emitted["Demo.Alpha"]);
        Assert.Equal(IncrementalStepRunReason.Cached, emitted["Demo.Beta"]);

        string Text(GeneratorRun run, string hint) => run.Sources.Single(s => s.HintName == hint).SourceText.ToString();
        Assert.Equal(Text(first, "Demo.Beta.FaultRegion.g.cs"), Text(second, "Demo.Beta.FaultRegion.g.cs"));
        Assert.Contains("public void Open() => Open(128);", Text(second, "Demo.Alpha.FaultRegion.g.cs"), StringComparison.Ordinal);
    }

    private static (GeneratorRun First, GeneratorRun Second) RunTwice(Func<Compilation, Compilation> edit)
    {
        Compilation compilation = GeneratorHarness.Compile(new[] { Region("Alpha", 64), Region("Beta", 64), Unrelated });
        GeneratorRun first = GeneratorHarness.Run(compilation);
        Assert.Equal(2, first.Sources.Length);
        GeneratorRun second = GeneratorHarness.Run(first.Driver, edit(compilation));
        Assert.Null(second.Result.Exception);
        return (first, second);
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (string step in StepNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach ((object value, IncrementalStepRunReason reason) in Outputs(result, step))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {step} output {value} was {reason}");
            }
        }

        foreach ((object value, IncrementalStepRunReason reason) in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output {value} was {reason}");
        }
    }

    private static void AssertSameSources(GeneratorRun first, GeneratorRun second) =>
        Assert.Equal(
            first.Sources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.Sources.Select(s => (s.HintName, s.SourceText.ToString())));

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs);

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: path);

    private static Compilation Replace(Compilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == path), Parse(text, path));
}
