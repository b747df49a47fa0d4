using Uffd.Analyzers.RangeMath;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.RangeMath;

public sealed class OpenWithoutPagesTests
{
    [Fact]
    public Task Open_on_a_region_without_pages_is_reported_on_the_invocation() =>
        Verify<OpenWithoutPagesAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion]
            public partial class Sized
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void Start() => {|UFFD0044:Open()|};
            }

            [FaultRegion(Pages = 0)]
            public partial class Zero
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();
            }

            public static class Use
            {
                public static void Run(Zero zero) => {|#0:zero.Open()|};
            }
            """,
            Verify<OpenWithoutPagesAnalyzer>.Diagnostic("UFFD0044").WithLocation(0).WithArguments("'Zero' has no Pages in its [FaultRegion], so Open() throws"));

    [Fact]
    public Task Open_with_a_constant_count_below_one_is_reported_and_a_runtime_count_is_not() =>
        Verify<OpenWithoutPagesAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion]
            public partial class Pool
            {
                private const int NoPages = 0;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public static void Run(Pool a, Pool b, Pool c, long pages)
                {
                    {|#0:a.Open(-1)|};
                    {|#1:b.Open(NoPages)|};
                    c.Open(pages);
                }
            }
            """,
            Verify<OpenWithoutPagesAnalyzer>.Diagnostic("UFFD0044").WithLocation(0)
                .WithArguments("Open(-1) on 'Pool' throws ArgumentOutOfRangeException, a region has at least one page"),
            Verify<OpenWithoutPagesAnalyzer>.Diagnostic("UFFD0044").WithLocation(1)
                .WithArguments("Open(0) on 'Pool' throws ArgumentOutOfRangeException, a region has at least one page"));

    [Fact]
    public Task Open_with_pages_and_Open_on_a_region_with_pages_are_not_reported() =>
        Verify<OpenWithoutPagesAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion]
            public partial class Sized
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();
            }

            [FaultRegion(Pages = 8)]
            public partial class Fixed
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();
            }

            public static class Use
            {
                public static void Run(Sized sized, Fixed fixedSize)
                {
                    sized.Open(16);
                    fixedSize.Open();
                }
            }
            """);
}
