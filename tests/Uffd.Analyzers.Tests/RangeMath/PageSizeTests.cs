using Uffd.Analyzers.CodeFixes.RangeMath;
using Uffd.Analyzers.RangeMath;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.RangeMath;

public sealed class PageSizeTests
{
    [Fact]
    public Task A_literal_page_size_in_region_arithmetic_is_reported_on_the_literal() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * {|#0:4096|} % 251));
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("4096", "PageSize"));

    [Fact]
    public Task Inside_a_region_the_fix_uses_PageSize_and_Fix_All_replaces_every_literal() =>
        Verify<PageSizeAnalyzer>.CodeFix<PageSizeCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * {|UFFD0041:4096|} % 251));

                public void ReadPage(long index, Span<byte> page) => Read(index * {|UFFD0041:0x1000|}, page);
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * PageSize % 251));

                public void ReadPage(long index, Span<byte> page) => Read(index * PageSize, page);
            }
            """);

    [Fact]
    public Task Outside_a_region_the_fix_uses_Environment_SystemPageSize() =>
        Verify<PageSizeAnalyzer>.CodeFix<PageSizeCodeFix>("""
            using System;
            using Uffd;

            public static class Native
            {
                public static nint Next(nint address) => address + {|UFFD0041:4096|};
                public static nuint NextUnsigned(nuint address) => address + {|UFFD0041:0x1000|};
                public static void Drop(UffdMemory memory, long page) => memory.Discard(page * ({|UFFD0041:4 * 1024|}), {|UFFD0041:1 << 12|});
                public static long Offset(PageFaultEvent fault, nint start) => (fault.Address - start) / {|UFFD0041:4096|};
            }
            """, """
            using System;
            using Uffd;

            public static class Native
            {
                public static nint Next(nint address) => address + Environment.SystemPageSize;
                public static nuint NextUnsigned(nuint address) => address + (nuint)Environment.SystemPageSize;
                public static void Drop(UffdMemory memory, long page) => memory.Discard(page * Environment.SystemPageSize, Environment.SystemPageSize);
                public static long Offset(PageFaultEvent fault, nint start) => (fault.Address - start) / Environment.SystemPageSize;
            }
            """);

    [Fact]
    public Task Buffers_and_arithmetic_unrelated_to_regions_are_not_reported() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public static class Buffers
            {
                public const int Size = 4096;
                public static byte[] Make() => new byte[4096];
                public static int Twice(int count) => count * 4096;
                public static Span<byte> Head(Span<byte> page) => page.Slice(0, 4096);
                public static long Mask(long x) => x & ~4096;
            }

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                private const int Pages = 4;
                private const long Bytes = Pages * 4096;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Slice(0, 4096).Fill((byte)(Bytes / 4096));
            }
            """);
}
