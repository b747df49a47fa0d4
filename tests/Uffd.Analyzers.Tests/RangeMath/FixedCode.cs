using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Generators;

namespace Uffd.Analyzers.Tests.RangeMath;

/// <summary>
/// What a fix's output must be in a user's build: it compiles with the generator's output, and neither the compiler
/// (warnings included: a build may treat them as errors) nor any UFFD analyzer reports anything in it. The code-fix
/// harness checks only the fix's own rule and compiler errors.
/// </summary>
internal static class FixedCode
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = AllAnalyzers.Create();

    public static async Task AssertCleanAsync(string source)
    {
        string text = source.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Fixed",
            new[] { CSharpSyntaxTree.ParseText(text, GeneratedSources.ParseOptions, path: "Fixed.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: GeneratedSources.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        ImmutableArray<Diagnostic> diagnostics = await output.WithAnalyzers(Analyzers).GetAllDiagnosticsAsync();
        Diagnostic[] reported = generatorDiagnostics.Concat(diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.Id.StartsWith("UFFD", StringComparison.Ordinal))
            .ToArray();
        Assert.True(reported.Length == 0, "the fixed code is not clean:\n" + string.Join("\n", reported.Select(d => "  " + d)) + "\n" + text);
    }
}
