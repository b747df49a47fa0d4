using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators;

namespace Uffd.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs the real generator over test code, so analyzer tests see what a build sees: <c>region.Open()</c> and
/// <c>AsSpan()</c> bind to the generated members. Generated files start with <c>// &lt;auto-generated/&gt;</c>, which the
/// analyzers skip.
/// </summary>
internal static class GeneratedSources
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    public static IReadOnlyList<(string Name, string Text)> For(params string[] sources)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "GeneratorInput",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"Input{i}.cs")),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        return result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList();
    }
}
