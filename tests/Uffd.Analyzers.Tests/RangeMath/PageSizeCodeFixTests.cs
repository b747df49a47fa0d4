using Uffd.Analyzers.CodeFixes.RangeMath;
using Uffd.Analyzers.RangeMath;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.RangeMath;

/// <summary>
/// The UFFD0041 fix in every context a page size can be needed in: each output is the expected text (one by one and
/// Fix All) and builds clean with every analyzer (<see cref="FixedCode"/>).
/// </summary>
public sealed class PageSizeCodeFixTests
{
    private static async Task FixAsync(string source, string fixedSource)
    {
        await FixedCode.AssertBuildsCleanAsync(fixedSource);
        await Verify<PageSizeAnalyzer>.CodeFix<PageSizeCodeFix>(source, fixedSource);
    }

    [Fact]
    public Task Static_lambdas_static_local_functions_constructors_and_initializers_get_the_system_page_size() =>
        FixAsync("""
            using System;
            using Uffd;

            [FaultRegion]
            public sealed partial class Rows
            {
                private readonly UffdMemory _scratch = UffdMemory.MapAnonymous(4 * {|UFFD0041:4096|});
                private readonly UffdMemory _spare;

                public Rows() => _spare = UffdMemory.MapAnonymous({|UFFD0041:0x1000|});

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void Trim(UffdMemory[] memories) => Array.ForEach(memories, static m => m.Discard(0, {|UFFD0041:4096|}));

                public void Warm(long first)
                {
                    Prefault(Bytes(first), Bytes(1));

                    static long Bytes(long pages) => pages * {|UFFD0041:4096|};
                }

                public void Touch(long page)
                {
                    Prefault(Of(page), PageSize);
                    Array.ForEach(new[] { page + 1 }, p => Prefault(p * {|UFFD0041:4096|}, PageSize));

                    long Of(long p) => p * {|UFFD0041:4096|};
                }

                public long Bytes => PageCount * {|UFFD0041:4096|};

                public long Spare => _spare.Length + _scratch.Length;

                public void OpenFor(long bytes) => Open(bytes / {|UFFD0041:4096|});
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion]
            public sealed partial class Rows
            {
                private readonly UffdMemory _scratch = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
                private readonly UffdMemory _spare;

                public Rows() => _spare = UffdMemory.MapAnonymous(Environment.SystemPageSize);

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void Trim(UffdMemory[] memories) => Array.ForEach(memories, static m => m.Discard(0, Environment.SystemPageSize));

                public void Warm(long first)
                {
                    Prefault(Bytes(first), Bytes(1));

                    static long Bytes(long pages) => pages * Environment.SystemPageSize;
                }

                public void Touch(long page)
                {
                    Prefault(Of(page), PageSize);
                    Array.ForEach(new[] { page + 1 }, p => Prefault(p * PageSize, PageSize));

                    long Of(long p) => p * PageSize;
                }

                public long Bytes => PageCount * PageSize;

                public long Spare => _spare.Length + _scratch.Length;

                public void OpenFor(long bytes) => Open(bytes / Environment.SystemPageSize);
            }
            """);

    [Fact]
    public Task Shifts_become_division_and_multiplication_keeping_unsigned_types() =>
        FixAsync("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 8, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public sealed partial class Sheet
            {
                private long _last;

                [PageProvider]
                private void Fill(in PageFaultContext context, Span<byte> page) => page.Fill((byte)({|UFFD0041:(uint)context.Offset >> 12|}));

                [WriteHandler]
                private void OnWrite(in PageFaultContext context)
                {
                    long page = context.Offset;
                    {|UFFD0041:page >>= 12|};
                    _last = page;
                }

                public long Last => _last;

                public static long PageOf(PageFaultEvent fault, UffdMemory memory) => {|UFFD0041:fault.Address - memory.Address >> 12|};

                public static long OffsetOf(PageRange range) => {|UFFD0041:range.FirstPage << 12|} | 1;
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion(Pages = 8, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public sealed partial class Sheet
            {
                private long _last;

                [PageProvider]
                private void Fill(in PageFaultContext context, Span<byte> page) => page.Fill((byte)((uint)context.Offset / (uint)PageSize));

                [WriteHandler]
                private void OnWrite(in PageFaultContext context)
                {
                    long page = context.Offset;
                    page /= PageSize;
                    _last = page;
                }

                public long Last => _last;

                public static long PageOf(PageFaultEvent fault, UffdMemory memory) => (fault.Address - memory.Address) / Environment.SystemPageSize;

                public static long OffsetOf(PageRange range) => range.FirstPage * Environment.SystemPageSize | 1;
            }
            """);

    [Fact]
    public Task Masks_become_page_size_minus_one_in_the_operand_type() =>
        FixAsync("""
            using System;
            using Uffd;

            public static class Align
            {
                private const long OffsetMask = 4095;

                public static nint Start(PageFaultEvent fault) => fault.Address & {|UFFD0041:~4095|};
                public static nint StartNative(nint address) => address & {|UFFD0041:~(nint)0xFFF|};
                public static nuint StartUnsigned(PageFaultEvent fault) => (nuint)fault.Address & {|UFFD0041:~(nuint)0xFFF|};
                public static long Within(UffdMemory memory, nint address) => (address - memory.Address) & {|UFFD0041:OffsetMask|};
                public static ulong WithinUnsigned(PageFaultEvent fault) => (ulong)fault.Address & {|UFFD0041:0xFFFUL|};
            }
            """, """
            using System;
            using Uffd;

            public static class Align
            {
                private const long OffsetMask = 4095;

                public static nint Start(PageFaultEvent fault) => fault.Address & ~(Environment.SystemPageSize - 1);
                public static nint StartNative(nint address) => address & ~(Environment.SystemPageSize - 1);
                public static nuint StartUnsigned(PageFaultEvent fault) => (nuint)fault.Address & ~((nuint)Environment.SystemPageSize - 1);
                public static long Within(UffdMemory memory, nint address) => (address - memory.Address) & (Environment.SystemPageSize - 1);
                public static ulong WithinUnsigned(PageFaultEvent fault) => (ulong)fault.Address & ((ulong)Environment.SystemPageSize - 1);
            }
            """);

    [Fact]
    public Task Named_constants_are_fixed_where_they_are_written_or_used() =>
        FixAsync("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 8)]
            public sealed partial class Table
            {
                private const int BytesPerPage = 4096;
                private static readonly long s_stride = 4096;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void Row(long row, Span<byte> into) => Read(row * {|UFFD0041:BytesPerPage|} + row * {|UFFD0041:s_stride|}, into);

                public void Warm(long first, long count)
                {
                    long pageBytes = 4096;
                    Prefault(first * {|UFFD0041:pageBytes|}, count * {|UFFD0041:pageBytes|});
                }

                public static void Drop(UffdMemory memory, long page)
                {
                    const int size = 4 * 1024;
                    memory.Discard(page * {|UFFD0041:size|}, {|UFFD0041:size|});
                }
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion(Pages = 8)]
            public sealed partial class Table
            {
                private const int BytesPerPage = 4096;
                private static readonly long s_stride = Environment.SystemPageSize;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                public void Row(long row, Span<byte> into) => Read(row * PageSize + row * s_stride, into);

                public void Warm(long first, long count)
                {
                    long pageBytes = PageSize;
                    Prefault(first * pageBytes, count * pageBytes);
                }

                public static void Drop(UffdMemory memory, long page)
                {
                    int size = Environment.SystemPageSize;
                    memory.Discard(page * size, size);
                }
            }
            """);

    [Fact]
    public Task A_helpers_constant_reported_at_the_call_has_no_fix_there() =>
        Verify<PageSizeAnalyzer>.CodeFix<PageSizeCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 8)]
            public sealed partial class Frames
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                private static long OffsetOf(long page) => page * 4096;

                public void First(long page, Span<byte> into) => Read({|UFFD0041:OffsetOf(page)|}, into);
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion(Pages = 8)]
            public sealed partial class Frames
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                private static long OffsetOf(long page) => page * 4096;

                public void First(long page, Span<byte> into) => Read({|UFFD0041:OffsetOf(page)|}, into);
            }
            """);

    [Fact]
    public Task A_CRLF_file_keeps_its_line_endings() =>
        FixAsync(
            "using System;\r\nusing Uffd;\r\n\r\npublic static class Drop\r\n{\r\n    public static void Page(UffdMemory memory, long page) =>\r\n        memory.Discard(page * {|UFFD0041:4096|}, {|UFFD0041:4096|});\r\n}\r\n",
            "using System;\r\nusing Uffd;\r\n\r\npublic static class Drop\r\n{\r\n    public static void Page(UffdMemory memory, long page) =>\r\n        memory.Discard(page * Environment.SystemPageSize, Environment.SystemPageSize);\r\n}\r\n");
}
