using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Generators;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Infrastructure;

/// <summary>
/// What a fix's output must be in a real build: the roslyn-sdk harness checks the text a fix writes and that its own
/// analyzer is quiet, but keeps the generator output of the code BEFORE the fix. This builds the fixed code as a
/// project would, the generator re-run over it, every Uffd analyzer and every warning wave on, and fails on any
/// error, any warning and any UFFD diagnostic: a fix must not trade its diagnostic for another.
/// </summary>
internal static class FixedCode
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = UffdAnalyzers.Create();

    /// <summary>Fails unless <paramref name="fixedSource"/> (test markup allowed) builds cleanly.</summary>
    public static Task AssertBuildsCleanAsync(string fixedSource) => BuildAsync(fixedSource, declaresRegion: false);

    /// <summary>As <see cref="AssertBuildsCleanAsync"/>, and the fixed region is generated, so Open() and the accessors exist.</summary>
    public static Task AssertRegionBuildsCleanAsync(string fixedSource) => BuildAsync(fixedSource, declaresRegion: true);

    private static async Task BuildAsync(string fixedSource, bool declaresRegion)
    {
        // Markup the fixed code keeps for diagnostics a fix leaves alone is the harness's, not the code's.
        string text = fixedSource.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Fixed",
            new[] { CSharpSyntaxTree.ParseText(text, GeneratedSources.ParseOptions, path: "Fixed.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true, warningLevel: 9999));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: GeneratedSources.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Null(run.Exception);
        if (declaresRegion)
        {
            Assert.NotEmpty(run.GeneratedSources);
        }

        ImmutableArray<Diagnostic> diagnostics = await output.WithAnalyzers(Analyzers).GetAllDiagnosticsAsync();
        Diagnostic[] problems = generatorDiagnostics.Concat(diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.Id.StartsWith("UFFD", StringComparison.Ordinal))
            .ToArray();
        Assert.True(problems.Length == 0, "the fixed code does not build cleanly:\n" + string.Join("\n", problems.Select(d => "  " + d)) + "\n" + text);
    }
}
