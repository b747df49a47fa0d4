using Uffd.Analyzers.CodeFixes;
using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.CodeFixes;

/// <summary>
/// The provider stub compiles, is generated, and serves zero pages: a stub that threw would fail the region on its
/// first fault. Each fixed text is also built as a project would (<see cref="FixedCode"/>): no error, no warning, no UFFD.
/// </summary>
public sealed class AddPageProviderCodeFixTests
{
    [Fact]
    public async Task A_provider_stub_that_serves_zero_pages_is_added_with_simplified_names()
    {
        const string Fixed = """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                public int Count { get; set; }

                [PageProvider]
                private static void FillPage(long pageIndex, Span<byte> page)
                {
                    // Write the bytes of page pageIndex into page here; until then every page reads as zeros.
                    page.Clear();
                }
            }
            """;
        await Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class {|UFFD0010:Letters|}
            {
                public int Count { get; set; }
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }

    [Fact]
    public async Task Fix_all_adds_a_stub_to_every_region_keeping_names_qualified_without_usings_and_avoiding_taken_names()
    {
        const string Fixed = """
            [Uffd.FaultRegion(Pages = 4)]
            public partial class Letters
            {
                private int FillPage = 4;

                public int Pages => FillPage;

                [Uffd.PageProvider]
                private static void FillPage2(long pageIndex, System.Span<byte> page)
                {
                    // Write the bytes of page pageIndex into page here; until then every page reads as zeros.
                    page.Clear();
                }
            }

            [Uffd.FaultRegion(Mode = Uffd.FaultMode.Minor)]
            public partial class Digits
            {
                [Uffd.PageProvider]
                private static void FillPage(long pageIndex, System.Span<byte> page)
                {
                    // A minor fault's page holds what was staged through AliasSpan (zeros if nothing was); adjust it here.
                }
            }
            """;
        await Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            [Uffd.FaultRegion(Pages = 4)]
            public partial class {|UFFD0010:Letters|}
            {
                private int FillPage = 4;

                public int Pages => FillPage;
            }

            [Uffd.FaultRegion(Mode = Uffd.FaultMode.Minor)]
            public partial class {|UFFD0010:Digits|}
            {
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }

    [Fact]
    public async Task In_a_file_scoped_namespace_the_stub_is_indented_as_a_member()
    {
        const string Fixed = """
            using System;
            using Uffd;

            namespace Demo.Storage;

            [FaultRegion(Pages = 16)]
            internal sealed partial class Blocks
            {
                [PageProvider]
                private static void FillPage(long pageIndex, Span<byte> page)
                {
                    // Write the bytes of page pageIndex into page here; until then every page reads as zeros.
                    page.Clear();
                }
            }
            """;
        await Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            using System;
            using Uffd;

            namespace Demo.Storage;

            [FaultRegion(Pages = 16)]
            internal sealed partial class {|UFFD0010:Blocks|}
            {
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }

    [Fact]
    public async Task In_a_class_nested_in_a_block_namespace_the_stub_goes_into_the_region_not_its_container()
    {
        const string Fixed = """
            using System;
            using Uffd;

            namespace Demo
            {
                public static partial class Cache
                {
                    [FaultRegion(Pages = 8)]
                    private sealed partial class Backing
                    {
                        [PageProvider]
                        private static void FillPage(long pageIndex, Span<byte> page)
                        {
                            // Write the bytes of page pageIndex into page here; until then every page reads as zeros.
                            page.Clear();
                        }
                    }

                    public static int Size => 8;
                }
            }
            """;
        await Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            using System;
            using Uffd;

            namespace Demo
            {
                public static partial class Cache
                {
                    [FaultRegion(Pages = 8)]
                    private sealed partial class {|UFFD0010:Backing|}
                    {
                    }

                    public static int Size => 8;
                }
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }

    [Fact]
    public async Task A_crlf_file_stays_crlf_even_when_the_region_is_written_on_one_line()
    {
        string fixedCode = """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters {
                [PageProvider]
                private static void FillPage(long pageIndex, Span<byte> page)
                {
                    // Write the bytes of page pageIndex into page here; until then every page reads as zeros.
                    page.Clear();
                }
            }
            """.ReplaceLineEndings("\r\n");
        await Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class {|UFFD0010:Letters|} { }
            """.ReplaceLineEndings("\r\n"), fixedCode);
        Assert.DoesNotContain("\n", fixedCode.Replace("\r\n", ""));
        await FixedCode.AssertRegionBuildsCleanAsync(fixedCode);
    }
}
