using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators;
using Uffd.Tests.Shared;

namespace Uffd.Generators.Tests.Infrastructure;

/// <summary>Compiles user code in memory and runs <see cref="FaultRegionGenerator"/> over it.</summary>
internal static class GeneratorHarness
{
    /// <summary>Doc comments are parsed, so malformed XML in generated docs is a warning the tests see.</summary>
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    public static CSharpCompilation Compile(
        IEnumerable<string> sources, bool referenceRuntime = true, string assemblyName = "UserCode", CSharpParseOptions? parseOptions = null) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, parseOptions ?? ParseOptions, path: $"User{i}.cs")),
            referenceRuntime ? HostReferences.FrameworkAndRuntime : HostReferences.Framework,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release));

    /// <summary>A driver whose generated files are parsed with <paramref name="parseOptions"/> (the project's language version).</summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new FaultRegionGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorRun Run(Compilation compilation) => Run(CreateDriver(), compilation);

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(driver, driver.GetRunResult().Results.Single(), output, diagnostics);
    }

    /// <summary>Fails unless the compilation (user code plus generated code) has no error and no warning.</summary>
    public static void AssertCompilesCleanly(Compilation compilation)
    {
        Diagnostic[] problems = compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            // The snippets' own public types carry no docs; generated members must.
            .Where(d => !(d.Id == "CS1591" && !IsGenerated(d.Location.SourceTree)))
            .ToArray();
        Assert.True(problems.Length == 0,
            "the generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }

    public static bool IsGenerated(SyntaxTree? tree) =>
        tree is not null && tree.FilePath.EndsWith(".FaultRegion.g.cs", StringComparison.Ordinal);
}

/// <summary>One generator run: the driver (for a second, incremental run), its result and the updated compilation.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, GeneratorRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
{
    public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

    /// <summary>The single generated file, after checking that there is exactly one, with the expected name.</summary>
    public string SingleSource(string expectedHintName)
    {
        Assert.Null(Result.Exception);
        GeneratedSourceResult source = Assert.Single(Sources);
        Assert.Equal(expectedHintName, source.HintName);
        return source.SourceText.ToString();
    }
}
