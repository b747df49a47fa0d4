using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Generators;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Corpus;

/// <summary>What a build of one corpus program reports: the UFFD diagnostics and the compiler's errors, generator included.</summary>
internal sealed record CorpusAnalysis(CorpusProgram Program, IReadOnlyList<Diagnostic> UffdDiagnostics, IReadOnlyList<Diagnostic> CompilerErrors)
{
    public IEnumerable<string> ReportedIds => UffdDiagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal);

    /// <summary>A bad variant is caught when every rule it expects is reported.</summary>
    public bool IsCaught => Program.ExpectedIds.All(id => ReportedIds.Contains(id));

    /// <summary>Rules reported that the program does not expect: every one on a correct program, extra ones on a bad one.</summary>
    public IEnumerable<string> UnexpectedIds => ReportedIds.Except(Program.ExpectedIds);

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = UffdAnalyzers.Create();

    /// <summary>Compiles the program with the generator as a build does, then runs every analyzer.</summary>
    public static async Task<CorpusAnalysis> RunAsync(CorpusProgram program)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Corpus",
            new[] { CSharpSyntaxTree.ParseText(program.Text, GeneratedSources.ParseOptions, path: program.Name) },
            TestReferences.All,
            new CSharpCompilationOptions(program.Kind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: GeneratedSources.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        Exception? generatorException = driver.GetRunResult().Results.Single().Exception;
        if (generatorException is not null)
        {
            throw new InvalidOperationException($"{program.Name}: the generator threw", generatorException);
        }

        ImmutableArray<Diagnostic> diagnostics = await output.WithAnalyzers(Analyzers).GetAllDiagnosticsAsync();
        Diagnostic[] all = generatorDiagnostics.Concat(diagnostics).ToArray();
        return new CorpusAnalysis(
            program,
            all.Where(d => d.Id.StartsWith("UFFD", StringComparison.Ordinal)).OrderBy(d => d.Location.SourceSpan.Start).ToList(),
            all.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("UFFD", StringComparison.Ordinal)).ToList());
    }

    public string Describe() =>
        $"{Program.Name}: expected [{string.Join(", ", Program.ExpectedIds)}], reported:\n"
        + string.Join("\n", UffdDiagnostics.Concat(CompilerErrors).Select(d => "  " + d))
        + (UffdDiagnostics.Count + CompilerErrors.Count == 0 ? "  nothing" : "");
}
