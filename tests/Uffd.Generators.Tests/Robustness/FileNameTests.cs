using System.Linq;
using Microsoft.CodeAnalysis;
using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Robustness;

/// <summary>
/// The generated file's name never breaks the build: a namespace segment that is a keyword once made AddSource throw,
/// which cost every region of the compilation its generated code, and very long names overflowed the emitted path.
/// </summary>
public sealed class FileNameTests
{
    private const string Region = """
        [Uffd.FaultRegion(Pages = 4)]
        public partial class {0}
        {{
            [Uffd.PageProvider]
            private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }}
        """;

    [Fact]
    public void A_keyword_namespace_segment_gets_a_file_without_the_escape_and_the_other_regions_keep_theirs()
    {
        GeneratorRun run = GeneratorHarness.Run(
            "namespace Contoso.@event { " + string.Format(Region, "@class") + " }",
            "namespace Contoso { " + string.Format(Region, "Plain") + " }");

        Assert.Empty(run.Result.Diagnostics);
        Assert.Null(run.Result.Exception);
        Assert.Equal(
            new[] { "Contoso.Plain.FaultRegion.g.cs", "Contoso.event.class.FaultRegion.g.cs" },
            run.Sources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
        GeneratorHarness.AssertCompilesCleanly(run.Output);
    }

    [Fact]
    public void A_very_long_name_is_cut_to_a_short_stable_file_name_unique_among_its_siblings()
    {
        string longName = "Region" + new string('X', 400);
        string source = "namespace " + string.Join(".", Enumerable.Range(0, 8).Select(i => "Segment" + i + new string('n', 40))) + " { "
                        + string.Format(Region, longName + "A") + string.Format(Region, longName + "B") + " }";

        GeneratorRun first = GeneratorHarness.Run(source);
        GeneratorRun second = GeneratorHarness.Run(source);

        string[] names = first.Sources.Select(s => s.HintName).ToArray();
        Assert.Equal(2, names.Length);
        Assert.All(names, n => Assert.InRange(n.Length, 1, 160));
        Assert.Equal(names.Length, names.Distinct(System.StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(names, second.Sources.Select(s => s.HintName).ToArray());
        GeneratorHarness.AssertCompilesCleanly(first.Output);
    }

    [Fact]
    public void A_long_name_in_a_script_of_several_bytes_per_character_is_cut_by_bytes_not_characters()
    {
        // 90 CJK characters are 90 UTF-16 chars but 270 UTF-8 bytes: more than a Linux file name may hold.
        string name = string.Concat(Enumerable.Repeat("存储区域", 15)) + "页面提供者缓存区域表格数据库";
        GeneratorRun run = GeneratorHarness.Run("namespace 公司.产品 { " + string.Format(Region, name) + " }");

        string file = Assert.Single(run.Sources).HintName;
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(file), 1, 160);
        Assert.StartsWith("公司.产品.存储区域", file, System.StringComparison.Ordinal);
        GeneratorHarness.AssertCompilesCleanly(run.Output);
    }
}
