using Uffd.Analyzers.CodeFixes.RangeMath;
using Uffd.Analyzers.RangeMath;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.RangeMath;

public sealed class PageMaskTests
{
    [Fact]
    public Task A_mask_with_the_page_size_itself_is_reported_on_the_complement() =>
        Verify<PageMaskAnalyzer>.Analyzer("""
            public static class Align
            {
                public static long Down(long x, int pageSize) => x & {|#0:~pageSize|};
            }
            """,
            Verify<PageMaskAnalyzer>.Diagnostic("UFFD0042").WithLocation(0).WithArguments("~pageSize", "~(pageSize - 1)"));

    [Fact]
    public Task The_fix_subtracts_one_and_keeps_casts_and_Fix_All_fixes_every_mask() =>
        Verify<PageMaskAnalyzer>.CodeFix<PageMaskCodeFix>("""
            using System;
            using Uffd;

            public static class Align
            {
                public static long Down(long x, int pageSize) => x & {|UFFD0042:~pageSize|};
                public static nint Base(nint address) => address & {|UFFD0042:~(nint)Environment.SystemPageSize|};
                public static long Literal(long x) => {|UFFD0042:~0x1000|} & x;
                public static long Memory(long x, UffdMemory memory)
                {
                    x &= {|UFFD0042:~memory.PageSize|};
                    return x;
                }
            }
            """, """
            using System;
            using Uffd;

            public static class Align
            {
                public static long Down(long x, int pageSize) => x & ~(pageSize - 1);
                public static nint Base(nint address) => address & ~((nint)Environment.SystemPageSize - 1);
                public static long Literal(long x) => ~(0x1000 - 1) & x;
                public static long Memory(long x, UffdMemory memory)
                {
                    x &= ~(memory.PageSize - 1);
                    return x;
                }
            }
            """);

    [Fact]
    public Task Correct_masks_and_other_complements_are_not_reported() =>
        Verify<PageMaskAnalyzer>.Analyzer("""
            public static class Align
            {
                public static long Down(long x, int pageSize) => x & ~(pageSize - 1);
                public static long Flags(long x, int flag) => x & ~flag;
                public static long Named(long x, int pageSizeMask) => x & ~pageSizeMask;
                public static long Other(long x) => x & ~4095;
                public static long Or(long x, int pageSize) => x | (long)pageSize;
            }
            """);
}
