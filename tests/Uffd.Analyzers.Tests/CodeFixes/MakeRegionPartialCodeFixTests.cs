using Uffd.Analyzers.CodeFixes;
using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.CodeFixes;

public sealed class MakeRegionPartialCodeFixTests
{
    [Fact]
    public async Task Partial_goes_just_before_class_after_the_other_modifiers()
    {
        const string Fixed = """
                using System;
                using Uffd;

                [FaultRegion(Pages = 4)]
                public sealed partial class Letters
                {
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }
                """;
        await Verify<RegionDeclarationAnalyzer>.CodeFix<MakeRegionPartialCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public sealed class {|UFFD0001:Letters|}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }

    [Fact]
    public async Task Fix_all_makes_every_region_partial_including_one_without_modifiers()
    {
        const string Fixed = """
                using System;
                using Uffd;

                [FaultRegion(Pages = 4)]
                partial class Letters
                {
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }

                namespace Inner
                {
                    [FaultRegion(Pages = 8)]
                    internal partial class Digits
                    {
                        [PageProvider]
                        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(2);
                    }
                }
                """;
        await Verify<RegionDeclarationAnalyzer>.CodeFix<MakeRegionPartialCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            class {|UFFD0001:Letters|}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }

            namespace Inner
            {
                [FaultRegion(Pages = 8)]
                internal class {|UFFD0001:Digits|}
                {
                    [PageProvider]
                    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(2);
                }
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }
}
