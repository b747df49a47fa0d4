using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class RawRegionAccessTests
{
    private const string Letters = """
        [FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
        }
        """;

    private const string RegionAdvice = "use AsSpan, AsReadOnlySpan, Read or Write";

    private const string SafeCopies = "copy through GcSafeMemory.Read or GcSafeMemory.Write";

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Raw(int location, string source, string advice) =>
        Verify<RawRegionAccessAnalyzer>.Diagnostic("UFFD0032").WithLocation(location).WithArguments(source, advice);

    [Fact]
    public Task A_pointer_read_an_element_write_and_a_field_access_through_BaseAddress_are_reported_on_the_dereference() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public struct Header { public int Magic; }

            public static unsafe class Use
            {
                public static int Run(Letters letters, long offset)
                {
                    byte first = {|#0:*(byte*)(letters.BaseAddress + (nint)offset)|};
                    {|#1:((byte*)letters.BaseAddress)[3]|} = first;
                    return {|#2:((Header*)letters.BaseAddress)->Magic|};
                }
            }

            {{Letters}}
            """,
            Raw(0, "Letters.BaseAddress", RegionAdvice),
            Raw(1, "Letters.BaseAddress", RegionAdvice),
            Raw(2, "Letters.BaseAddress", RegionAdvice));

    [Fact]
    public Task The_address_is_followed_through_locals_checked_arithmetic_conversions_and_IntPtr_Add() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public static unsafe class Use
            {
                public static int Run(Letters letters, long offset)
                {
                    nint start = letters.BaseAddress;
                    long address = checked((long)start + offset);
                    ulong end = unchecked((ulong)address - 1UL);
                    byte* p = (byte*)IntPtr.Add((nint)address, 16);
                    void* q = nint.Add(start, 8).ToPointer();
                    nint moved = 0;
                    moved += start;
                    Func<byte> later = () => {|#3:*(byte*)moved|};
                    return {|#0:new Span<byte>(p, 4)|}.Length + {|#1:new ReadOnlySpan<int>(q, 2)|}[0] + {|#2:*(byte*)end|} + later();
                }
            }

            {{Letters}}
            """,
            Raw(0, "Letters.BaseAddress", RegionAdvice),
            Raw(1, "Letters.BaseAddress", RegionAdvice),
            Raw(2, "Letters.BaseAddress", RegionAdvice),
            Raw(3, "Letters.BaseAddress", RegionAdvice));

    [Fact]
    public Task A_pointer_taken_to_an_element_of_the_region_is_an_address_until_it_is_dereferenced() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public struct Header { public int Magic; }

            public static unsafe class Use
            {
                public static void Run(Letters letters)
                {
                    byte* element = &((byte*)letters.BaseAddress)[16];
                    int* magic = &((Header*)(letters.BaseAddress + 64))->Magic;
                    byte* same = &*element;
                    {|#0:*same|} = 1;
                    {|#1:magic[0]|} = 2;
                }
            }

            {{Letters}}
            """,
            Raw(0, "Letters.BaseAddress", RegionAdvice),
            Raw(1, "Letters.BaseAddress", RegionAdvice));

    [Fact]
    public Task A_synchronous_write_protect_region_is_told_about_its_own_accessors() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void OnWrite(long pageIndex) { }

                public unsafe void Stamp(long offset) => {|#0:*(long*)(BaseAddress + (nint)offset)|} = DateTime.UtcNow.Ticks;
            }
            """,
            Raw(0, "Journal.BaseAddress", "use AsReadOnlySpan, LeaseSpan, Read or Write"));

    [Fact]
    public Task The_engine_the_low_level_memory_and_fault_addresses_are_sources_too() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer("""
            using System;
            using Uffd;
            using Uffd.Regions;

            public static unsafe class Use
            {
                public static byte Engine<T>(FaultRegionEngine<T> engine) where T : struct, IFaultRegionCallbacks =>
                    {|#0:*(byte*)engine.BaseAddress|};

                public static byte Memory(UffdMemory memory) => {|#1:((byte*)memory.Address)[1]|};

                public static byte Fault(UffdMessage message, int pageSize)
                {
                    PageFaultEvent fault = message.PageFault;
                    return (byte)({|#2:*(byte*)fault.Address|} + {|#3:*(byte*)fault.PageStart(pageSize)|});
                }

                public static byte Context(in PageFaultContext context) => {|#4:*(byte*)context.Address|};
            }
            """,
            Raw(0, "FaultRegionEngine<TCallbacks>.BaseAddress", "use its AsSpan, AsReadOnlySpan, LeaseSpan, Read or Write"),
            Raw(1, "UffdMemory.Address", SafeCopies),
            Raw(2, "PageFaultEvent.Address", SafeCopies),
            Raw(3, "PageFaultEvent.PageStart", SafeCopies),
            Raw(4, "PageFaultContext.Address", SafeCopies));

    [Fact]
    public Task Library_members_that_dereference_in_managed_code_are_reported_once_each() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer($$"""
            using System;
            using System.IO;
            using System.Runtime.CompilerServices;
            using System.Runtime.InteropServices;
            using Uffd;

            public static unsafe class Use
            {
                public static long Run(Letters letters, byte[] buffer)
                {
                    nint start = letters.BaseAddress;
                    byte* p = (byte*)start;
                    using var stream = {|#0:new UnmanagedMemoryStream(p, 16)|};
                    {|#1:Marshal.Copy(start + 8, buffer, 0, 8)|};
                    {|#2:Marshal.Copy(buffer, 0, start, 8)|};
                    int word = {|#3:Marshal.ReadInt32(start, 4)|};
                    {|#4:Marshal.WriteIntPtr(start, IntPtr.Zero)|};
                    string? text = {|#5:Marshal.PtrToStringUTF8(start)|};
                    fixed (byte* b = buffer)
                    {
                        {|#6:Buffer.MemoryCopy(p, b, buffer.Length, 8)|};
                        {|#7:NativeMemory.Copy(b, p, 8)|};
                    }

                    {|#8:NativeMemory.Clear(p + 64, 8)|};
                    {|#9:Unsafe.InitBlockUnaligned(p, 0, 8)|};
                    long value = {|#10:Unsafe.ReadUnaligned<long>(p)|};
                    ReadOnlySpan<byte> view = {|#11:MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef<byte>(p), 8)|};
                    ref long slot = ref {|#12:Unsafe.AsRef<long>(p + 8)|};
                    return value + word + view.Length + slot + (text?.Length ?? 0);
                }
            }

            {{Letters}}
            """,
            Enumerable.Range(0, 13).Select(i => Raw(i, "Letters.BaseAddress", RegionAdvice)).ToArray());

    [Fact]
    public Task Passing_the_address_to_native_code_the_runtime_or_user_methods_is_not_reported() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer($$"""
            using System;
            using System.Runtime.InteropServices;
            using Uffd;

            public static unsafe class Use
            {
                [DllImport("libc")]
                private static extern nint memset(nint destination, int value, nuint length);

                [DllImport("libc")]
                private static extern int madvise(void* start, nuint length, int advice);

                public static void Run(Letters letters, Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault, nint table)
                {
                    nint start = letters.BaseAddress;
                    memset(start, 0, 4096);
                    _ = madvise((void*)(start + 4096), 4096, 22);
                    uffd.Wake(start, 4096);
                    _ = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
                    _ = uffd.ZeroPage(fault.PageStart(4096), 4096);
                    _ = uffd.Copy(fault.PageStart(4096), start + 8192, 4096, CopyMode.DontWake);
                    _ = uffd.Copy(letters.BaseAddress, new byte[4096]);
                    byte[] buffer = new byte[8];
                    GcSafeMemory.Read(start + 8, buffer);
                    _ = GcSafeMemory.ReadByte(fault.Address);
                    Consume((byte*)start, (long)start);
                    Marshal.WriteIntPtr(table, start);
                    Marshal.WriteIntPtr(table, 8, letters.BaseAddress);
                    byte* here = &((byte*)start)[8];
                    Consume(here, (long)here);
                }

                private static void Consume(byte* pointer, long address) { }
            }

            {{Letters}}
            """);

    [Fact]
    public Task Alias_views_distances_other_pointers_unrelated_fields_and_parameters_are_not_reported() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer("""
            using System;
            using Uffd;
            using Uffd.Regions;

            [FaultRegion(Pages = 4, Memory = RegionMemory.Shared)]
            public partial class Mirror
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }

            public sealed unsafe class Use
            {
                private nint _start;
                public nint BaseAddress;

                public void Remember(byte* scratch) => _start = (nint)scratch;

                public byte Later() => *(byte*)_start;

                public byte Parameter(nint address) => *(byte*)address;

                public byte Own() => *(byte*)BaseAddress;

                public int Run<T>(UffdMemory memory, FaultRegionEngine<T> engine, Mirror mirror, byte* other, nint cursor)
                    where T : struct, IFaultRegionCallbacks
                {
                    byte alias = *(byte*)memory.AliasAddress;
                    Span<byte> view = new Span<byte>((void*)engine.AliasAddress, 16);
                    long used = (long)(cursor - mirror.BaseAddress);
                    byte next = other[used];
                    int small = (int)mirror.BaseAddress;
                    byte* truncated = (byte*)small;
                    return alias + view[0] + next + *truncated;
                }
            }
            """);

    [Fact]
    public Task Top_level_statements_are_followed_too() =>
        Verify<RawRegionAccessAnalyzer>.Program($$"""
            using System;
            using Uffd;

            using var letters = new Letters();
            letters.Open();
            nint start = letters.BaseAddress;
            unsafe
            {
                Console.WriteLine({|#0:*(byte*)start|});
            }

            {{Letters}}
            """,
            Raw(0, "Letters.BaseAddress", RegionAdvice));

    [Fact]
    public Task A_pointer_cached_in_a_field_a_helper_that_returns_one_and_a_helper_that_dereferences_its_parameter_are_reported() =>
        Verify<RawRegionAccessAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            public sealed unsafe class Cursor
            {
                private readonly byte* _start;

                public Cursor(Letters letters) => _start = (byte*)letters.BaseAddress;

                public byte At(long offset) => {|#0:_start[offset]|};
            }

            public static unsafe class Helpers
            {
                private static byte* Row(Letters letters, int row) => (byte*)letters.BaseAddress + row * 64;

                private static int Magic(byte* header) => *(int*)header;

                private static void Forward(nint address, Span<byte> into) => GcSafeMemory.Read(address, into);

                public static int Run(Letters letters, Span<byte> into)
                {
                    byte first = {|#1:*Row(letters, 2)|};
                    int magic = {|#2:Magic((byte*)letters.BaseAddress)|};
                    Forward(letters.BaseAddress, into);
                    return first + magic;
                }
            }

            [FaultRegion(Pages = 4)]
            public unsafe partial class Grid
            {
                private byte* Cells => (byte*)BaseAddress;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public byte Cell(int index) => {|#3:Cells[index]|};
            }

            {{Letters}}
            """,
            Raw(0, "Letters.BaseAddress", RegionAdvice),
            Raw(1, "Letters.BaseAddress", RegionAdvice),
            Raw(2, "Letters.BaseAddress through Helpers.Magic", RegionAdvice),
            Raw(3, "Grid.BaseAddress", RegionAdvice));
}
