using Uffd.Analyzers.RangeMath;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.RangeMath;

/// <summary>UFFD0041 decides by what a value means where it is used, not by how 4096 is spelled.</summary>
public sealed class PageSizeMeaningTests
{
    [Fact]
    public Task Named_constants_and_values_written_once_are_followed_to_where_they_are_written() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Rows
            {
                private const int BytesPerPage = 4096;
                private static readonly int s_pageBytes = 4096;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void ReadConst(long row, Span<byte> into) => Read(row * {|#0:BytesPerPage|}, into);
                public void ReadStatic(long row, Span<byte> into) => Read(row * {|#1:s_pageBytes|}, into);

                public void Warm(long first, long count)
                {
                    long pageBytes = 4096;
                    Prefault(first * {|#2:pageBytes|}, count * {|#5:pageBytes|});
                }

                public static void Drop(UffdMemory memory, long first)
                {
                    const int size = 4 * 1024;
                    memory.Discard(first * {|#3:size|}, {|#4:size|});
                }
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("BytesPerPage (4096)", "PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(1).WithArguments("s_pageBytes (4096)", "PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(2).WithArguments("pageBytes (4096)", "PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(5).WithArguments("pageBytes (4096)", "PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(3).WithArguments("size (4096)", "Environment.SystemPageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(4).WithArguments("size (4096)", "Environment.SystemPageSize"));

    [Fact]
    public Task Shifts_by_12_and_masks_of_4095_on_addresses_offsets_and_page_indexes_are_reported() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Sheet
            {
                [PageProvider]
                private void Fill(in PageFaultContext context, Span<byte> page) => page.Fill((byte)((context.Offset & {|#0:4095|}) + 1));

                [WriteHandler]
                private void OnWrite(in PageFaultContext context)
                {
                    long page = context.Offset;
                    {|#2:page >>= 12|};
                    Console.WriteLine(page);
                }

                public static long OffsetOf(PageRange range) => {|#1:range.FirstPage << 12|};

                public static long PageOf(PageFaultEvent fault, UffdMemory memory) => {|#3:(fault.Address - memory.Address) >> 12|};
                public static nint Start(PageFaultEvent fault) => fault.Address & {|#4:~0xFFF|};
                public static nint StartNative(nint address) => address & {|#5:~(nint)0xFFF|};
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("4095", "(PageSize - 1)"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(1).WithArguments("range.FirstPage << 12", "range.FirstPage * Environment.SystemPageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(2).WithArguments("page >>= 12", "page / PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(3).WithArguments("(fault.Address - memory.Address) >> 12", "(fault.Address - memory.Address) / Environment.SystemPageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(4).WithArguments("~0xFFF", "~(Environment.SystemPageSize - 1)"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(5).WithArguments("~(nint)0xFFF", "~(Environment.SystemPageSize - 1)"));

    [Fact]
    public Task The_parameter_decides_a_page_size_is_a_byte_range_and_a_page_count_is_not() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Cache
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void Freeze(long offset) => Protect(offset / {|#0:4096|}, 1);
                public void Warm() => Prefault(0, {|#1:4096|});
                public static void Size(Cache cache, long fileLength) => cache.Open(fileLength / {|#2:4096|} + 1);
                public static UffdMemory Map(int pages) => UffdMemory.MapAnonymous(pages * {|#3:4096L|});
                public static nint Start(PageFaultEvent fault) => fault.PageStart({|#4:1 << 12|});
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("4096", "PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(1).WithArguments("4096", "PageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(2).WithArguments("4096", "Environment.SystemPageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(3).WithArguments("4096L", "Environment.SystemPageSize"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(4).WithArguments("1 << 12", "Environment.SystemPageSize"));

    [Fact]
    public Task A_helper_one_call_deep_is_followed_in_the_same_file() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 64)]
            public partial class Frames
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                private static long OffsetOf(long page) => page * 4096;
                private void Load(long offset, Span<byte> into) => Read(offset, into);

                public void First(long page, Span<byte> into) => Read({|#0:OffsetOf(page)|}, into);
                public void Second(int number, Span<byte> into) => Load(number * {|#1:4096L|}, into);
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("OffsetOf(page) (4096 in OffsetOf)", "Environment.SystemPageSize in OffsetOf"),
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(1).WithArguments("4096L", "PageSize"));

    [Fact]
    public Task The_step_of_a_cursor_given_to_a_paged_range_is_a_page_size() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public static class Reclaim
            {
                public static void DropEveryOther(UffdMemory memory)
                {
                    for (long offset = 0; offset < memory.Length; offset += 2 * {|#0:4096|})
                    {
                        memory.Discard(offset, memory.PageSize);
                    }
                }

                public static void CopyEvery(UffdMemory memory, byte[] buffer)
                {
                    for (long offset = 0; offset < memory.Length; offset += 4096)
                    {
                        buffer.AsSpan(0, 16).CopyTo(memory.AsSpan(offset, 16));
                    }
                }
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("4096", "Environment.SystemPageSize"));

    [Fact]
    public Task A_tuple_deconstructed_into_locals_is_followed_element_by_element() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Blocks
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void ProtectBytes(long offset, long length)
                {
                    var (first, count) = (offset / {|#0:4096|}, length);
                    Protect(first, count);
                }

                public void ProtectRows(long row, (long First, long Count) range)
                {
                    var (first, count) = range;
                    Protect(first + row, count);
                }

                public void Swap(long a, long b)
                {
                    long x = 4096, y = b;
                    (x, y) = (y, x);
                    Protect(x, y);
                }
            }
            """,
            Verify<PageSizeAnalyzer>.Diagnostic("UFFD0041").WithLocation(0).WithArguments("4096", "PageSize"));

    [Fact]
    public Task Counts_buffers_flags_hashes_and_native_buffers_of_4096_are_not_page_sizes() =>
        Verify<PageSizeAnalyzer>.Analyzer("""
            using System;
            using System.IO;
            using System.Runtime.InteropServices;
            using Uffd;

            [FaultRegion(Pages = 4096)]
            public partial class Journal
            {
                private const long DefaultPages = 4096;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex % 4096 % 251));

                public void Warm() => Prefault(0, 4096L * PageSize);
                public byte Header() { Span<byte> one = stackalloc byte[1]; Read(4096, one); return one[0]; }
                public static PageRange All() => new PageRange(0, 4096);
                public static int Sample(int packed) => (packed >> 12) & 0xFFF;
                public static FileAttributes Online(FileAttributes a) => a & ~FileAttributes.Offline;

                public static void OpenJournal(Journal journal, bool large) => journal.Open(large ? DefaultPages * 4 : 4096);

                public static nint End()
                {
                    nint buffer = Marshal.AllocHGlobal(4096);
                    return buffer + 4096;
                }

                public static void Twice(UffdMemory memory, long first)
                {
                    long size = 4096;
                    size = memory.PageSize;
                    memory.Discard(first * size, size);
                }
            }
            """);
}
