using Uffd.Analyzers.CodeFixes.Deadlocks;
using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class SafeAccessorCodeFixTests
{
    private const string Letters = """
        [FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
        }
        """;

    [Fact]
    public Task A_span_over_the_base_plus_an_offset_becomes_AsSpan() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>($$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static Span<byte> Page(Letters letters, long offset, int length) =>
                    {|UFFD0032:new Span<byte>((void*)(letters.BaseAddress + (nint)offset), length)|};
            }

            {{Letters}}
            """, $$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static Span<byte> Page(Letters letters, long offset, int length) =>
                    letters.AsSpan(offset, length);
            }

            {{Letters}}
            """);

    [Fact]
    public Task Fix_all_rewrites_spans_whole_region_spans_and_byte_reads() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>($$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static int Run(Letters letters, int offset, long index)
                {
                    ReadOnlySpan<byte> header = {|UFFD0032:new ReadOnlySpan<byte>((void*)(8 + letters.BaseAddress), 4)|};
                    Span<byte> all = {|UFFD0032:new Span<byte>((void*)letters.BaseAddress, (int)letters.Length)|};
                    Span<byte> first = {|UFFD0032:new(letters.BaseAddress.ToPointer(), 16)|};
                    byte one = {|UFFD0032:*(byte*)(letters.BaseAddress + offset)|};
                    byte two = {|UFFD0032:*((byte*)letters.BaseAddress + offset * 2)|};
                    byte three = {|UFFD0032:((byte*)letters.BaseAddress)[index]|};
                    return header[0] + all[0] + first[0] + one + two + three;
                }
            }

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public unsafe byte First => {|UFFD0032:*(byte*)checked(BaseAddress)|};
            }
            """, $$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static int Run(Letters letters, int offset, long index)
                {
                    ReadOnlySpan<byte> header = letters.AsReadOnlySpan(8, 4);
                    Span<byte> all = letters.AsSpan(0, (int)letters.Length);
                    Span<byte> first = letters.AsSpan(0, 16);
                    byte one = letters.AsReadOnlySpan(offset, 1)[0];
                    byte two = letters.AsReadOnlySpan(offset * 2, 1)[0];
                    byte three = letters.AsReadOnlySpan(index, 1)[0];
                    return header[0] + all[0] + first[0] + one + two + three;
                }
            }

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public unsafe byte First => AsReadOnlySpan(0, 1)[0];
            }
            """);

    [Fact]
    public Task A_synchronous_write_protect_region_gets_the_read_only_fixes_only() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void OnWrite(long pageIndex) { }

                public unsafe int Run(long offset)
                {
                    ReadOnlySpan<byte> read = {|UFFD0032:new ReadOnlySpan<byte>((void*)(BaseAddress + (nint)offset), 8)|};
                    Span<byte> write = {|UFFD0032:new Span<byte>((void*)(BaseAddress + (nint)offset), 8)|};
                    {|UFFD0032:*(byte*)BaseAddress|} = read[0];
                    return write.Length + {|UFFD0032:*(byte*)this.BaseAddress|};
                }
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void OnWrite(long pageIndex) { }

                public unsafe int Run(long offset)
                {
                    ReadOnlySpan<byte> read = AsReadOnlySpan(offset, 8);
                    Span<byte> write = {|UFFD0032:new Span<byte>((void*)(BaseAddress + (nint)offset), 8)|};
                    {|UFFD0032:*(byte*)BaseAddress|} = read[0];
                    return write.Length + this.AsReadOnlySpan(0, 1)[0];
                }
            }
            """);

    [Fact]
    public Task Shapes_that_are_not_mechanical_are_left_alone() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>($$"""
            using System;
            using Uffd;
            using Uffd.Regions;

            public static unsafe class Use
            {
                public static int Run<T>(Letters letters, FaultRegionEngine<T> engine, ulong far, int offset)
                    where T : struct, IFaultRegionCallbacks
                {
                    byte* local = (byte*)letters.BaseAddress;
                    Span<int> words = {|UFFD0032:new Span<int>((void*)letters.BaseAddress, 4)|};
                    int word = {|UFFD0032:*((int*)letters.BaseAddress + 1)|};
                    byte far1 = {|UFFD0032:*((byte*)letters.BaseAddress + far)|};
                    byte twice = {|UFFD0032:*(byte*)(letters.BaseAddress + offset + 1)|};
                    ref byte slot = ref {|UFFD0032:*(byte*)letters.BaseAddress|};
                    {|UFFD0032:((byte*)letters.BaseAddress)[2]|}++;
                    return {|UFFD0032:local[0]|} + words[0] + word + far1 + twice + slot + {|UFFD0032:*(byte*)engine.BaseAddress|};
                }
            }

            {{Letters}}
            """, $$"""
            using System;
            using Uffd;
            using Uffd.Regions;

            public static unsafe class Use
            {
                public static int Run<T>(Letters letters, FaultRegionEngine<T> engine, ulong far, int offset)
                    where T : struct, IFaultRegionCallbacks
                {
                    byte* local = (byte*)letters.BaseAddress;
                    Span<int> words = {|UFFD0032:new Span<int>((void*)letters.BaseAddress, 4)|};
                    int word = {|UFFD0032:*((int*)letters.BaseAddress + 1)|};
                    byte far1 = {|UFFD0032:*((byte*)letters.BaseAddress + far)|};
                    byte twice = {|UFFD0032:*(byte*)(letters.BaseAddress + offset + 1)|};
                    ref byte slot = ref {|UFFD0032:*(byte*)letters.BaseAddress|};
                    {|UFFD0032:((byte*)letters.BaseAddress)[2]|}++;
                    return {|UFFD0032:local[0]|} + words[0] + word + far1 + twice + slot + {|UFFD0032:*(byte*)engine.BaseAddress|};
                }
            }

            {{Letters}}
            """);

    [Fact]
    public Task Static_lambdas_static_local_functions_and_expression_bodies_get_the_accessor_and_compile() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>($$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static Func<Letters, byte> First { get; } = static letters => {|UFFD0032:*(byte*)letters.BaseAddress|};

                public static int Sum(Letters letters, int pages)
                {
                    int sum = 0;
                    for (int page = 0; page < pages; page++)
                    {
                        sum += Page(letters, page)[0];
                    }

                    return sum;

                    static ReadOnlySpan<byte> Page(Letters region, long index) =>
                        {|UFFD0032:new ReadOnlySpan<byte>((void*)(region.BaseAddress + (nint)(index * region.PageSize)), region.PageSize)|};
                }

                public static byte At(Letters letters, long offset) => {|UFFD0032:((byte*)letters.BaseAddress)[offset]|};
            }

            {{Letters}}
            """, $$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static Func<Letters, byte> First { get; } = static letters => letters.AsReadOnlySpan(0, 1)[0];

                public static int Sum(Letters letters, int pages)
                {
                    int sum = 0;
                    for (int page = 0; page < pages; page++)
                    {
                        sum += Page(letters, page)[0];
                    }

                    return sum;

                    static ReadOnlySpan<byte> Page(Letters region, long index) =>
                        region.AsReadOnlySpan(index * region.PageSize, region.PageSize);
                }

                public static byte At(Letters letters, long offset) => letters.AsReadOnlySpan(offset, 1)[0];
            }

            {{Letters}}
            """);

    [Fact]
    public Task A_crlf_file_keeps_its_line_endings() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>(Crlf($$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static Span<byte> Page(Letters letters, long offset, int length)
                {
                    Span<byte> span =
                        {|UFFD0032:new Span<byte>((void*)(letters.BaseAddress + (nint)offset), length)|};
                    return span;
                }
            }

            {{Letters}}
            """), Crlf($$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static Span<byte> Page(Letters letters, long offset, int length)
                {
                    Span<byte> span =
                        letters.AsSpan(offset, length);
                    return span;
                }
            }

            {{Letters}}
            """));

    private static string Crlf(string source) => source.ReplaceLineEndings("\r\n");

    [Fact]
    public Task Addresses_from_fields_helpers_and_properties_get_no_fix() =>
        Verify<RawRegionAccessAnalyzer>.CodeFix<SafeAccessorCodeFix>(Source, Source);

    private const string Source = """
        using System;
        using Uffd;

        public sealed unsafe class Cursor
        {
            private readonly byte* _start;

            public Cursor(Letters letters) => _start = (byte*)letters.BaseAddress;

            public byte At(long offset) => {|UFFD0032:_start[offset]|};

            private static byte* Row(Letters letters, int row) => (byte*)letters.BaseAddress + row * 64;

            private static int Magic(byte* header) => *(int*)header;

            public static int Run(Letters letters) => {|UFFD0032:*Row(letters, 2)|} + {|UFFD0032:Magic((byte*)letters.BaseAddress)|};
        }

        [FaultRegion(Pages = 4)]
        public unsafe partial class Letters
        {
            private byte* Cells => (byte*)BaseAddress;

            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

            public byte Cell(int index) => {|UFFD0032:Cells[index]|};
        }
        """;
}
