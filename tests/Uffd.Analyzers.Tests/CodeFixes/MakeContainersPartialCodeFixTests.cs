using Uffd.Analyzers.CodeFixes;
using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.CodeFixes;

public sealed class MakeContainersPartialCodeFixTests
{
    [Fact]
    public async Task Every_non_partial_container_becomes_partial()
    {
        const string Fixed = """
                using System;
                using Uffd;

                public static partial class Outer
                {
                    public partial class Middle
                    {
                        internal partial struct Inner
                        {
                            [FaultRegion(Pages = 4)]
                            public partial class Letters
                            {
                                [PageProvider]
                                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                            }
                        }
                    }
                }
                """;
        await Verify<RegionDeclarationAnalyzer>.CodeFix<MakeContainersPartialCodeFix>("""
            using System;
            using Uffd;

            public static class Outer
            {
                public partial class Middle
                {
                    internal struct Inner
                    {
                        [FaultRegion(Pages = 4)]
                        public partial class {|UFFD0002:Letters|}
                        {
                            [PageProvider]
                            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                        }
                    }
                }
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }

    [Fact]
    public async Task Fix_all_fixes_the_containers_of_every_region()
    {
        const string Fixed = """
                using System;
                using Uffd;

                partial class First
                {
                    [FaultRegion(Pages = 4)]
                    partial class Letters
                    {
                        [PageProvider]
                        private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                    }
                }

                public partial class Second
                {
                    [FaultRegion(Pages = 4)]
                    public partial class Digits
                    {
                        [PageProvider]
                        private void Fill(long pageIndex, Span<byte> page) => page.Fill(2);
                    }
                }
                """;
        await Verify<RegionDeclarationAnalyzer>.CodeFix<MakeContainersPartialCodeFix>("""
            using System;
            using Uffd;

            class First
            {
                [FaultRegion(Pages = 4)]
                partial class {|UFFD0002:Letters|}
                {
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }
            }

            public class Second
            {
                [FaultRegion(Pages = 4)]
                public partial class {|UFFD0002:Digits|}
                {
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(2);
                }
            }
            """, Fixed);
        await FixedCode.AssertRegionBuildsCleanAsync(Fixed);
    }
}
