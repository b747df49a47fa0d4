using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Generators;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Robustness;

/// <summary>
/// Every analyzer in Uffd.Analyzers (found by reflection, so new ones are covered without editing this test) and the
/// generator run over <see cref="RobustnessCorpus"/>: none may throw (AD0001, CS8784/CS8785, a run-result exception).
/// </summary>
public sealed class AnalyzerRobustnessTests
{
    private static readonly string[] CrashIds = { "AD0001", "CS8784", "CS8785" };

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (CorpusCase corpusCase in RobustnessCorpus.All)
        {
            names.Add(corpusCase.Name);
        }

        return names;
    }

    [Fact]
    public void Reflection_finds_every_analyzer_of_the_assembly()
    {
        ImmutableArray<DiagnosticAnalyzer> analyzers = UffdAnalyzers.Create();
        Assert.Contains(analyzers, analyzer => analyzer is RegionDeclarationAnalyzer);
        Assert.Contains(analyzers, analyzer => analyzer is RegionCallbacksAnalyzer);
        Assert.True(analyzers.Length >= 5, $"only {analyzers.Length} analyzers found");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Analyzers_and_generator_survive(string name)
    {
        CorpusCase corpusCase = RobustnessCorpus.All.Single(c => c.Name == name);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Robustness_" + name.Replace('-', '_'),
            corpusCase.Sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, GeneratedSources.ParseOptions, path: $"Corpus{i}.cs")),
            corpusCase.ReferencesRuntime ? TestReferences.All : TestReferences.All.Where(r => !IsRuntime(r)),
            new CSharpCompilationOptions(corpusCase.Kind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: GeneratedSources.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        foreach (GeneratorRunResult result in driver.GetRunResult().Results)
        {
            Assert.True(result.Exception is null, $"{name}: the generator threw {result.Exception}");
        }

        ImmutableArray<Diagnostic> diagnostics = await output.WithAnalyzers(UffdAnalyzers.Create()).GetAllDiagnosticsAsync();
        Diagnostic[] crashes = generatorDiagnostics.Concat(diagnostics).Where(d => CrashIds.Contains(d.Id)).ToArray();
        Assert.True(crashes.Length == 0, $"{name}:\n" + string.Join("\n", crashes.Select(d => d.ToString())));
    }

    private static bool IsRuntime(MetadataReference reference) =>
        reference is PortableExecutableReference { FilePath: { } path }
        && string.Equals(System.IO.Path.GetFileNameWithoutExtension(path), "Uffd.Runtime", StringComparison.Ordinal);
}
