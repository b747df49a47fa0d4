using System.Collections.Concurrent;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Synchronous write tracking keeps its contract when a Protect lands in the middle of a resolution: a write that
/// begins after Protect returns is reported in that epoch or a later one. Each test holds a handler inside the
/// user's callback, runs Protect meanwhile, then lets the handler finish.
/// </summary>
public sealed class WriteTrackingRaceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_protect_that_overtakes_a_running_write_handler_gets_the_write_reported_again_in_its_epoch()
    {
        var recorder = new RegionRecorder(4);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("ProtectDuringHandler", 4, FaultMode.Missing | FaultMode.WriteProtect));
        Faulter.Run(() => region.ReadPage(0)).Join();
        region.Protect(0, 1);

        int epoch = 0;
        var epochsReported = new ConcurrentQueue<int>();
        using var handler = new HeldCallback();
        recorder.OnWrite = _ =>
        {
            epochsReported.Enqueue(Volatile.Read(ref epoch));
            handler.Hold();
        };

        var writer = Faulter.Run(() =>
        {
            region.Write(0, new byte[] { 0xA1 });
            return 0;
        });
        Assert.True(handler.Entered.Wait(Wait), "the write did not reach the write handler");

        // The next epoch begins while the handler still runs for the previous one.
        region.Protect(0, 1);
        Volatile.Write(ref epoch, 1);
        handler.Release.Set();
        writer.Join();

        // Without the protection gate, the handler's unprotect undid this Protect and the write stayed in epoch 0 only.
        Assert.Equal(new[] { 0, 1 }, epochsReported.ToArray());
        Assert.Equal(1, region.ReprotectedWrites);
        Assert.Equal(0xA1, region.ReadPage(0)[0]);

        // The page was reported in epoch 1, so more writes in it report nothing; the next epoch reports again.
        Faulter.Run(() => { region.Write(1, new byte[] { 0xA2 }); return 0; }).Join();
        Assert.Equal(2, epochsReported.Count);
        region.Protect(0, 1);
        Volatile.Write(ref epoch, 2);
        Faulter.Run(() => { region.Write(2, new byte[] { 0xA3 }); return 0; }).Join();
        Assert.Equal(new[] { 0, 1, 2 }, epochsReported.ToArray());
    }

    [Fact]
    public void A_protect_that_overtakes_the_first_fill_of_a_page_makes_the_fill_install_protected_so_the_write_is_reported()
    {
        var recorder = new RegionRecorder(4);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("ProtectDuringFill", 4, FaultMode.Missing | FaultMode.WriteProtect));
        using var provider = new HeldCallback();
        recorder.Filler = (in PageFaultContext context, Span<byte> page) =>
        {
            provider.Hold();
            RegionRecorder.Pattern(context.PageIndex, page);
            return PageFill.Filled;
        };

        // A write to a missing page: the fill decides whether to install protected, and Protect runs meanwhile.
        WriteWhileProtecting(region, provider, 2 * region.PageSize + 9, 0xB7);

        // Installed writable (the decision made before the Protect), the write would have landed unreported.
        Assert.Equal(1, recorder.WriteCalls[2]);
        byte[] content = region.ReadPage(2);
        Assert.Equal(0xB7, content[9]);
        content[9] = RegionRecorder.FillByte(2);
        Assert.True(RegionRecorder.HasPattern(2, content));
        Assert.Equal(1, recorder.FillCalls[2]);
    }

    [Fact]
    public void A_protect_that_overtakes_a_minor_fault_makes_its_continue_install_protected_so_the_write_is_reported()
    {
        var recorder = new RegionRecorder(4);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("ProtectDuringMinor", 4, FaultMode.Minor | FaultMode.WriteProtect));
        region.AliasSpan(region.PageSize, region.PageSize).Fill(0x5C);   // in the page cache: the next touch is a minor fault
        using var provider = new HeldCallback();
        recorder.Filler = (in PageFaultContext context, Span<byte> page) =>
        {
            provider.Hold();
            return PageFill.Filled;
        };

        WriteWhileProtecting(region, provider, region.PageSize + 1, 0xD4);

        Assert.Equal(1, recorder.WriteCalls[1]);
        byte[] content = region.ReadPage(1);
        Assert.Equal(0xD4, content[1]);
        Assert.Equal(region.PageSize - 1, content.Count(b => b == 0x5C));
    }

    [Fact]
    public void Read_ahead_pages_that_a_protect_overtook_are_not_installed_writable_but_filled_again_protected()
    {
        const int Pages = 8;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("ProtectDuringReadAhead", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { ReadAhead = 3, HandlerThreads = 1 });
        using var provider = new HeldCallback();
        recorder.Filler = (in PageFaultContext context, Span<byte> page) =>
        {
            if (context.PageIndex == 3 && context.IsReadAhead)
            {
                provider.Hold();
            }

            RegionRecorder.Pattern(context.PageIndex, page);
            return PageFill.Filled;
        };

        // Page 0 faults; pages 1-3 are read ahead, staged writable; page 2 is protected before they are installed.
        var reader = Faulter.Run(() => region.ReadPage(0));
        Assert.True(provider.Entered.Wait(Wait), "the read-ahead did not reach page 3");
        region.Protect(2, 1);
        provider.Release.Set();
        Assert.True(RegionRecorder.HasPattern(0, reader.Join()));

        // Pages 2 and 3 went back to missing; the write to page 2 fills it again, protected, and is reported.
        Faulter.Run(() => { region.Write(2 * region.PageSize, new byte[] { 0xC2 }); return 0; }).Join();
        Assert.Equal(1, recorder.WriteCalls[2]);
        Assert.Equal(2, recorder.FillCalls[2]);
        Assert.Equal(0xC2, region.ReadPage(2)[0]);
        Assert.True(RegionRecorder.HasPattern(1, region.ReadPage(1)));
        Assert.True(RegionRecorder.HasPattern(3, region.ReadPage(3)));
        Assert.Equal(1, recorder.WriteCalls.Sum());
    }

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="offset"/> on another thread; once the write is held in
    /// <paramref name="callback"/>, protects the written page, then lets the callback finish and the write land.
    /// </summary>
    private static void WriteWhileProtecting(FaultRegionEngine<RecordingCallbacks> region, HeldCallback callback, long offset, byte value)
    {
        var writer = Faulter.Run(() =>
        {
            region.Write(offset, new[] { value });
            return 0;
        });
        Assert.True(callback.Entered.Wait(Wait), "the write did not reach the callback");
        region.Protect(offset / region.PageSize, 1);
        callback.Release.Set();
        writer.Join();
    }

    /// <summary>A provider or write handler that waits, once entered, until the test lets it go.</summary>
    private sealed class HeldCallback : IDisposable
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        /// <summary>Called inside the callback.</summary>
        public void Hold()
        {
            Entered.Set();
            Assert.True(Release.Wait(Wait));
        }

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
