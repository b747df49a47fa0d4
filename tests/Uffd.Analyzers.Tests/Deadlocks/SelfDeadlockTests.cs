using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class SelfDeadlockTests
{
    [Fact]
    public Task A_provider_that_reads_its_own_region_through_AsSpan_is_reported_on_the_member_access() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => {|#0:AsSpan|}(0, 1).CopyTo(page);
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Letters", "AsSpan"));

    [Fact]
    public Task A_helper_the_provider_calls_transitively_is_reported_and_recursion_terminates() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => First(pageIndex, page);

                private void First(long pageIndex, Span<byte> page)
                {
                    if (pageIndex > 0) { First(pageIndex - 1, page); }
                    Second(page);
                }

                private unsafe void Second(Span<byte> page)
                {
                    {|#0:this.Read|}(0, page);
                    nint start = BaseAddress;
                    page[1] = {|#1:*(byte*)start|};
                    First(0, page);
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Letters", "Read"),
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(1).WithArguments("Fill", "Letters", "BaseAddress"));

    [Fact]
    public Task A_local_function_and_a_property_of_the_type_that_the_provider_uses_are_followed() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                private byte First => {|#0:AsSpan|}()[0];

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    Copy(page);
                    page[0] = First;

                    void Copy(Span<byte> target) => {|#1:Read|}(0, target);
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Letters", "AsSpan"),
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(1).WithArguments("Fill", "Letters", "Read"));

    [Fact]
    public Task A_write_handler_that_touches_another_instance_of_its_own_type_is_reported() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 4)]
            public partial class Journal
            {
                private Journal? _twin;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                [WriteHandler]
                private void OnWrite(long pageIndex)
                {
                    {|#0:_twin!.Prefault|}(0, 1);
                    {|#1:_twin.Write|}(0, new byte[1]);
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("OnWrite", "Journal", "Prefault"),
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(1).WithArguments("OnWrite", "Journal", "Write"));

    [Fact]
    public Task AsReadOnlySpan_in_a_provider_and_LeaseSpan_in_a_write_handler_are_reported_but_not_outside_the_callbacks() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 4)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => {|#0:AsReadOnlySpan|}(0, 1).CopyTo(page);

                [WriteHandler]
                private void OnWrite(long pageIndex)
                {
                    using SpanLease lease = {|#1:this.LeaseSpan|}(pageIndex * PageSize, 1);
                    lease.Span[0] = 1;
                }

                public byte Stamp()
                {
                    using SpanLease lease = LeaseSpan();
                    lease.Span[0] = 2;
                    return AsReadOnlySpan(0, 1)[0];
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Journal", "AsReadOnlySpan"),
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(1).WithArguments("OnWrite", "Journal", "LeaseSpan"));

    [Fact]
    public Task A_provider_that_reads_its_region_through_AsStream_is_reported_but_not_outside_the_callbacks() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using System.IO;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    using Stream stream = {|#0:AsStream|}();
                    stream.ReadExactly(page);
                }

                public void Save(Stream file)
                {
                    using Stream stream = AsStream();
                    stream.CopyTo(file);
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Letters", "AsStream"));

    [Fact]
    public Task The_alias_view_another_region_and_methods_the_callbacks_never_call_are_not_reported() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Source
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
            }

            [FaultRegion(Pages = 4, Mode = FaultMode.Minor)]
            public partial class Mirror
            {
                private readonly Source _source = new();

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    _source.Read(pageIndex, page);
                    AliasSpan(0, 1).CopyTo(page);
                    _ = PageSize + Length;
                }

                public byte First() => AsSpan()[0];
            }
            """);

    [Fact]
    public Task BaseAddress_PageSize_and_Length_used_as_numbers_in_a_provider_are_not_reported() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Tiles
            {
                private readonly byte[] _image = new byte[4 * 4096];

                [PageProvider]
                private void Fill(in PageFaultContext context, Span<byte> page)
                {
                    long offset = (long)(context.Address - BaseAddress);
                    long pageStart = offset - offset % PageSize;
                    int length = (int)Math.Min(page.Length, Length - pageStart);
                    _image.AsSpan((int)pageStart, length).CopyTo(page);
                }
            }
            """);

    [Fact]
    public Task A_raw_dereference_of_BaseAddress_and_a_span_over_it_in_a_provider_are_reported() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Chain
            {
                [PageProvider]
                private unsafe void Fill(long pageIndex, Span<byte> page)
                {
                    byte previous = pageIndex == 0 ? (byte)0 : {|#0:*(byte*)(BaseAddress + (nint)((pageIndex - 1) * PageSize))|};
                    var header = {|#1:new ReadOnlySpan<byte>((void*)BaseAddress, 16)|};
                    page.Fill((byte)(previous + header[0]));
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Chain", "BaseAddress"),
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(1).WithArguments("Fill", "Chain", "BaseAddress"));

    [Fact]
    public Task A_pointer_cached_in_a_field_is_reported_where_a_callback_dereferences_it_but_a_field_never_given_the_base_is_not() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using System.Runtime.InteropServices;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public unsafe partial class Cached
            {
                private byte* _base;
                private byte* _scratch = (byte*)NativeMemory.Alloc(16);

                public void Start()
                {
                    Open();
                    _base = (byte*)BaseAddress;
                }

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    page[0] = _scratch[0];
                    if (pageIndex > 0)
                    {
                        page[1] = {|#0:_base[0]|};
                    }
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Cached", "BaseAddress"));

    [Fact]
    public Task A_helper_of_another_type_in_the_same_file_is_reported_on_the_call_naming_the_accessor() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Deltas
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    page.Fill(pageIndex == 0 ? (byte)1 : {|#0:DeltaMath.Last|}(this, pageIndex - 1));
                    page[0] = DeltaMath.Seed(pageIndex);
                }
            }

            public static class DeltaMath
            {
                public static byte Last(Deltas deltas, long pageIndex) =>
                    deltas.AsReadOnlySpan((pageIndex + 1) * deltas.PageSize - 1, 1)[0];

                public static byte Seed(long pageIndex) => (byte)(pageIndex * 31);
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Deltas", "AsReadOnlySpan in DeltaMath.Last"));

    [Fact]
    public Task The_fault_address_dereferenced_and_a_helper_that_dereferences_the_base_are_reported_a_helper_using_numbers_is_not() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Probe
            {
                [PageProvider]
                private unsafe void Fill(in PageFaultContext context, Span<byte> page)
                {
                    page[0] = {|#0:*(byte*)context.Address|};
                    page[1] = {|#1:Peeks.First|}(this);
                    page[2] = (byte)Peeks.Pages(this);
                }
            }

            public static unsafe class Peeks
            {
                public static byte First(Probe probe) => *(byte*)probe.BaseAddress;

                public static long Pages(Probe probe) => probe.Length / probe.PageSize + (long)probe.BaseAddress % 2;
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Probe", "PageFaultContext.Address"),
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(1).WithArguments("Fill", "Probe", "a raw pointer in Peeks.First"));

    [Fact]
    public Task A_touch_handed_to_the_thread_pool_is_not_reported_but_one_in_a_Parallel_body_is() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 64)]
            public partial class Warm
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    page.Fill((byte)pageIndex);
                    long next = pageIndex + 1;
                    if (next < 64)
                    {
                        ThreadPool.QueueUserWorkItem(_ => Prefault(next * PageSize, PageSize));
                        _ = Task.Run(() => Touch(next));
                    }

                    int[] sums = new int[4];
                    Parallel.For(0, 4, i => sums[i] = {|#0:AsReadOnlySpan|}(i, 1)[0]);
                }

                private void Touch(long pageIndex) => Prefault(pageIndex * PageSize, 1);
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Warm", "AsReadOnlySpan"));

    [Fact]
    public Task A_write_handler_reading_its_write_protected_fault_page_is_not_reported() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Audit
            {
                public byte LastFirstByte;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Clear();

                [WriteHandler]
                private unsafe void OnWrite(in PageFaultContext context) => LastFirstByte = *(byte*)context.Address;
            }
            """);

    [Fact]
    public Task A_stream_over_the_region_kept_in_a_field_is_reported_where_a_callback_reads_it_but_another_stream_field_is_not() =>
        Verify<SelfDeadlockAnalyzer>.Analyzer("""
            using System;
            using System.IO;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Echo
            {
                private Stream? _self;
                private readonly Stream _log = new MemoryStream();

                public void Start()
                {
                    Open();
                    _self = AsStream();
                }

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    _log.WriteByte((byte)pageIndex);
                    if (pageIndex > 0 && _self is not null)
                    {
                        _self.Position = (pageIndex - 1) * page.Length;
                        {|#0:_self.ReadExactly(page)|};
                    }
                }
            }
            """,
            Verify<SelfDeadlockAnalyzer>.Diagnostic("UFFD0030").WithLocation(0).WithArguments("Fill", "Echo", "AsStream (kept in _self)"));
}
