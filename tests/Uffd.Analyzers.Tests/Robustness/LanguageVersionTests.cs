using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Generators;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Robustness;

/// <summary>
/// A project at an old <c>LangVersion</c> gets what one at C# 12 gets: correct regions written in the C# it allows draw
/// no UFFD diagnostic, a bad one still draws its rule, no analyzer throws, and the generated code compiles there.
/// </summary>
public sealed class LanguageVersionTests
{
    private const string Regions = """
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 16, ProtectOnFill = true)]
            public partial class Journal
            {
                private int _writes;

                public int Writes => _writes;

                [PageProvider]
                private PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Zero;

                [WriteHandler]
                private void OnWrite(long pageIndex) => System.Threading.Interlocked.Increment(ref _writes);

                public byte First()
                {
                    Prefault(0, PageSize, true);
                    byte[] one = new byte[1];
                    Read(0, one);
                    return one[0];
                }
            }

            public static partial class Outer
            {
                [FaultRegion(Pages = 4, UserModeOnly = UserModeOnlyPolicy.Allow)]
                internal sealed partial class Inner
                {
                    [PageProvider]
                    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }
            }
        }
        """;

    private const string BadRegion = """
        namespace Demo
        {
            [Uffd.FaultRegion(Pages = 4)]
            public class NotPartial
            {
                [Uffd.PageProvider]
                private static void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
            }
        }
        """;

    public static TheoryData<LanguageVersion> Versions => new()
    {
        LanguageVersion.CSharp7_2,
        LanguageVersion.CSharp7_3,
        LanguageVersion.CSharp8,
        LanguageVersion.CSharp9,
        LanguageVersion.CSharp10,
        LanguageVersion.CSharp11,
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Correct_regions_draw_nothing_and_a_bad_one_its_rule(LanguageVersion version)
    {
        var parseOptions = new CSharpParseOptions(version);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Versions",
            new[] { CSharpSyntaxTree.ParseText(Regions, parseOptions, path: "Regions.cs"), CSharpSyntaxTree.ParseText(BadRegion, parseOptions, path: "Bad.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        Assert.Null(driver.GetRunResult().Results.Single().Exception);
        Assert.Equal(2, driver.GetRunResult().Results.Single().GeneratedSources.Length);

        ImmutableArray<DiagnosticAnalyzer> analyzers = UffdAnalyzers.Create();
        Diagnostic[] reported = generatorDiagnostics.Concat(await output.WithAnalyzers(analyzers).GetAllDiagnosticsAsync())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning || d.Id.StartsWith("UFFD", StringComparison.Ordinal))
            .ToArray();
        string all = $"C# {version.ToDisplayString()}:\n" + string.Join("\n", reported.Select(d => d.ToString()));
        Diagnostic bad = Assert.Single(reported);
        Assert.True(bad.Id == "UFFD0001" && bad.Location.SourceTree!.FilePath == "Bad.cs", all);
    }
}
