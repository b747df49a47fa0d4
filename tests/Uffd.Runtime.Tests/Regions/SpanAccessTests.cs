using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// AsSpan and AsReadOnlySpan hand out only memory that is already present: the engine makes the range present from
/// native code before it returns, so a managed thread never waits in a fault (where it could deadlock with the GC).
/// Every access runs on a bounded faulter thread, so a broken accessor fails the test instead of hanging it.
/// </summary>
public sealed class SpanAccessTests
{
    [Theory]
    [InlineData(true)]    // MADV_POPULATE_READ: the provider may poison
    [InlineData(false)]   // a native one-byte read per page, the fault Read takes
    public void AsSpan_fills_every_page_of_its_range_before_it_returns(bool providerMayPoison)
    {
        const int Pages = 16;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Populate", Pages) with { ProviderMayPoison = providerMayPoison });

        bool[] presentBeforeTouch = Faulter.Run(() =>
        {
            Span<byte> span = region.AsSpan(3L * region.PageSize, 5 * region.PageSize);
            // Asked of the kernel before managed code reads a byte of the span.
            bool[] present = Enumerable.Range(0, Pages).Select(p => IsPresent(region, p)).ToArray();
            GC.KeepAlive(span.Length);
            return present;
        }).Join();

        Assert.Equal(Enumerable.Range(0, Pages).Select(p => p is >= 3 and < 8), presentBeforeTouch);
        Assert.Equal(Enumerable.Range(0, Pages).Select(p => p is >= 3 and < 8 ? 1 : 0), recorder.FillCalls);
        byte[][] content = Faulter.Run(() => Enumerable.Range(3, 5)
            .Select(p => region.AsReadOnlySpan((long)p * region.PageSize, region.PageSize).ToArray()).ToArray()).Join();
        for (int i = 0; i < content.Length; i++)
        {
            Assert.True(RegionRecorder.HasPattern(3 + i, content[i]), $"page {3 + i} must hold its provider's content");
        }
    }

    [Fact]
    public void A_range_whose_pages_are_all_present_costs_no_system_call()
    {
        const int Pages = 8;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("FastPath", Pages));

        Faulter.Run(() => region.AsReadOnlySpan(0, 4 * region.PageSize).Length).Join();
        long afterFirst = region.PopulateCalls;
        long messages = region.Statistics.Messages;
        Faulter.Run(() =>
        {
            // Present pages in any slicing: the page table answers, nothing reaches the kernel.
            for (int p = 0; p < 4; p++)
            {
                _ = region.AsSpan((long)p * region.PageSize + 10, 100)[0];
                _ = region.AsReadOnlySpan((long)p * region.PageSize, region.PageSize)[^1];
            }

            return 0;
        }).Join();

        Assert.Equal(1, afterFirst);
        Assert.Equal(afterFirst, region.PopulateCalls);
        Assert.Equal(messages, region.Statistics.Messages);

        // One missing page in the middle of a present range: one more population, for that page only.
        Faulter.Run(() => region.AsReadOnlySpan(2L * region.PageSize, 4 * region.PageSize).Length).Join();
        Assert.Equal(afterFirst + 1, region.PopulateCalls);
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1, 0, 0 }, recorder.FillCalls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_ahead_pages_cost_a_span_no_system_call(bool providerMayPoison)
    {
        const int Pages = 1024;
        const int ReadAhead = 16;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("ReadAheadSpans", Pages) with { ReadAhead = ReadAhead, ProviderMayPoison = providerMayPoison });

        int wrong = Faulter.Run(() =>
        {
            int bad = 0;
            for (int p = 0; p < Pages; p++)
            {
                bad += RegionRecorder.HasPattern(p, region.AsReadOnlySpan((long)p * region.PageSize, region.PageSize)) ? 0 : 1;
            }

            return bad;
        }).Join();

        // One fault fills 17 pages, and the handler marks them present before it wakes the reader: the next 16 spans
        // find them in the table. (When the woken reader ran before the handler marked them, about 12 of every 17
        // spans populated again: a system call each, or a P/Invoke each.)
        Assert.Equal(0, wrong);
        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        long faults = region.Statistics.Messages;
        Assert.InRange(faults, Pages / (ReadAhead + 1), Pages / (ReadAhead + 1) + 8);
        Assert.True(region.PopulateCalls <= faults + Pages / 32,
            $"{region.PopulateCalls} populate calls for {faults} faults over {Pages} pages");
    }

    [Fact]
    public void The_whole_region_span_populates_everything_and_writes_through_it_land()
    {
        const int Pages = 32;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Whole", Pages) with { ReadAhead = 3 });

        Faulter.Run(() =>
        {
            Span<byte> all = region.AsSpan();
            all[5 * region.PageSize + 9] = 0xAB;
            return all.Length;
        }).Join();

        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        Assert.Equal(0xAB, region.ReadPage(5)[9]);
        Assert.True(RegionRecorder.HasPattern(6, region.ReadPage(6)));
    }

    [Fact]
    public void Minor_faults_are_served_before_the_span_is_returned()
    {
        const int Pages = 4;
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                page[1] = (byte)(page[0] ^ 0xFF);
                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("MinorSpan", Pages, FaultMode.Minor));
        for (int i = 0; i < Pages; i++)
        {
            region.AliasSpan((long)i * region.PageSize, region.PageSize).Fill((byte)(0x20 + i));
        }

        byte[] firstBytes = Faulter.Run(() =>
        {
            ReadOnlySpan<byte> span = region.AsReadOnlySpan(0, Pages * region.PageSize);
            var bytes = new byte[2 * Pages];
            for (int i = 0; i < Pages; i++)
            {
                bytes[2 * i] = span[i * region.PageSize];
                bytes[2 * i + 1] = span[i * region.PageSize + 1];
            }

            return bytes;
        }).Join();

        Assert.Equal(Enumerable.Range(0, Pages).SelectMany(i => new[] { (byte)(0x20 + i), (byte)((0x20 + i) ^ 0xFF) }), firstBytes);
        Assert.Equal(Pages, region.Statistics.MinorFaults);
        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
    }

    [Fact]
    // The guarantee rests on MADV_POPULATE_READ, which needs a uffd serving kernel-mode faults (CAP_SYS_PTRACE here):
    // on a user-mode-only one the native touch of a page poisoned meanwhile raises SIGBUS (docs/generator.md).
    [Trait("Requires", "root")]
    public void A_span_over_a_poisoned_page_throws_instead_of_raising_SIGBUS()
    {
        const int Pages = 6;
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                RegionRecorder.Pattern(c.PageIndex, page);
                return c.PageIndex == 3 ? PageFill.Poison : PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("PoisonSpan", Pages) with { UserModeOnly = UserModeOnlyPolicy.Forbid });

        // First touch: the provider poisons page 3 while the range is being made present.
        PagePoisonedException first = Faulter.Run(() => CatchPoison(() => region.AsReadOnlySpan(2L * region.PageSize, 3 * region.PageSize).Length)).Join();
        // Afterwards the page table knows: the accessor throws before any system call.
        long populated = region.PopulateCalls;
        PagePoisonedException again = Faulter.Run(() => CatchPoison(() => region.AsSpan(3L * region.PageSize + 5, 1).Length)).Join();

        Assert.Equal(3, first.PageIndex);
        Assert.Equal(3, again.PageIndex);
        Assert.Equal(populated, region.PopulateCalls);
        Assert.Contains("page 3 is poisoned", again.Message);
        Assert.True(RegionRecorder.HasPattern(2, Faulter.Run(() => region.AsReadOnlySpan(2L * region.PageSize, region.PageSize).ToArray()).Join()));
        Assert.Equal(1, recorder.FillCalls[3]);
    }

    [Fact]
    public void Prefault_makes_pages_present_and_never_changes_their_content()
    {
        const int Pages = 8;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Prefault", Pages));

        Faulter.Run(() =>
        {
            region.Prefault(region.PageSize + 1, 2L * region.PageSize, write: true);
            return 0;
        }).Join();

        Assert.Equal(new[] { 0, 1, 1, 1, 0, 0, 0, 0 }, recorder.FillCalls);
        Assert.True(IsPresent(region, 1) && IsPresent(region, 3) && !IsPresent(region, 4));
        Assert.True(RegionRecorder.HasPattern(2, region.ReadPage(2)));
    }

    [Fact]
    public void Accessors_check_their_range_and_the_region_state()
    {
        var recorder = new RegionRecorder(2);
        FaultRegionEngine<RecordingCallbacks> region = TestRegion.Open(recorder, TestRegion.Settings("Checks", 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.AsReadOnlySpan(region.PageSize, region.PageSize + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.AsSpan(-1, 1));
        Assert.Equal(0, region.PopulateCalls);
        region.Dispose();
        Assert.Throws<ObjectDisposedException>(() => region.AsReadOnlySpan(0, 1));
        Assert.Throws<ObjectDisposedException>(() => region.AsSpan());
    }

    private static bool IsPresent(FaultRegionEngine<RecordingCallbacks> region, int page) =>
        (RawPagemap.Entry(region.BaseAddress + page * region.PageSize) >> 63) != 0;

    private static PagePoisonedException CatchPoison(Func<int> access)
    {
        try
        {
            access();
        }
        catch (PagePoisonedException e)
        {
            return e;
        }

        throw new Xunit.Sdk.XunitException("the accessor returned a span over a poisoned page");
    }
}
