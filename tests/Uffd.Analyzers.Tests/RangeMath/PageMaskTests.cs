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

    [Fact]
    public Task A_page_size_held_in_a_local_or_a_readonly_field_is_followed() =>
        Verify<PageMaskAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public sealed class Align
            {
                private readonly int _granule = Environment.SystemPageSize;
                private static readonly long s_bytes = Environment.SystemPageSize;
                private const int PageBytes = 4096;

                public nint Start(PageFaultEvent fault) => fault.Address & {|#0:~(nint)_granule|};
                public static long Down(long offset) => offset & {|#1:~s_bytes|};
                public static nint Local(UffdMemory memory, PageFaultEvent fault)
                {
                    int size = memory.PageSize;
                    return fault.Address & {|#2:~(nint)size|};
                }

                public static nint Named(PageFaultEvent fault) => fault.Address & {|#3:~PageBytes|};
            }
            """,
            Verify<PageMaskAnalyzer>.Diagnostic("UFFD0042").WithLocation(0).WithArguments("~(nint)_granule", "~((nint)_granule - 1)"),
            Verify<PageMaskAnalyzer>.Diagnostic("UFFD0042").WithLocation(1).WithArguments("~s_bytes", "~(s_bytes - 1)"),
            Verify<PageMaskAnalyzer>.Diagnostic("UFFD0042").WithLocation(2).WithArguments("~(nint)size", "~((nint)size - 1)"),
            Verify<PageMaskAnalyzer>.Diagnostic("UFFD0042").WithLocation(3).WithArguments("~PageBytes", "~(PageBytes - 1)"));

    [Fact]
    public Task A_helper_parameter_that_a_call_in_the_file_gives_a_page_size_is_one() =>
        Verify<PageMaskAnalyzer>.Analyzer("""
            using Uffd;

            public static class Align
            {
                private static nint Down(nint address, int size) => address & {|#0:~(nint)size|};
                private static long Clear(long flags, long bit) => flags & ~bit;

                public static nint Start(UffdMemory memory, PageFaultEvent fault) => Down(fault.Address, memory.PageSize);
                public static nint Line(nint address) => Down(address, 64);
                public static long Flags(long flags) => Clear(flags, 0x40);
            }
            """,
            Verify<PageMaskAnalyzer>.Diagnostic("UFFD0042").WithLocation(0).WithArguments("~(nint)size", "~((nint)size - 1)"));

    [Fact]
    public Task Flags_that_equal_4096_are_not_page_sizes() =>
        Verify<PageMaskAnalyzer>.Analyzer("""
            using System.IO;

            public static class Flags
            {
                private const int O_DSYNC = 0x1000;

                public static int Buffered(int openFlags) => openFlags & ~O_DSYNC;
                public static FileAttributes Online(FileAttributes attributes) => attributes & ~FileAttributes.Offline;
                public static long Twice(long x, int size)
                {
                    int bit = size;
                    return x & ~bit;
                }
            }
            """);

    [Fact]
    public async Task The_fix_keeps_CRLF_line_endings_and_builds_clean()
    {
        const string Source = "using System;\r\nusing Uffd;\r\n\r\npublic static class Align\r\n{\r\n    public static nint Start(PageFaultEvent fault) =>\r\n        fault.Address & {|UFFD0042:~(nint)Environment.SystemPageSize|};\r\n}\r\n";
        const string FixedSource = "using System;\r\nusing Uffd;\r\n\r\npublic static class Align\r\n{\r\n    public static nint Start(PageFaultEvent fault) =>\r\n        fault.Address & ~((nint)Environment.SystemPageSize - 1);\r\n}\r\n";
        await Verify<PageMaskAnalyzer>.CodeFix<PageMaskCodeFix>(Source, FixedSource);
        await FixedCode.AssertBuildsCleanAsync(FixedSource);
    }
}
