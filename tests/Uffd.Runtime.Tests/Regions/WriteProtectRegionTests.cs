using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>WriteProtect mode: dirty tracking with Protect, and ProtectOnFill with Missing.</summary>
public sealed class WriteProtectRegionTests
{
    [Fact]
    public void Protecting_everything_then_writing_some_pages_reports_exactly_those_pages_and_the_writes_land()
    {
        const int Pages = 32;
        long[] written = [0, 3, 4, 17, 31];
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Dirty", Pages, FaultMode.Missing | FaultMode.WriteProtect));

        Faulter.Run(() => Enumerable.Range(0, Pages).Count(i => RegionRecorder.HasPattern(i, region.ReadPage(i)))).Join();
        region.Protect(0, Pages);

        Faulter.Run(() =>
        {
            foreach (long page in written)
            {
                region.Write(page * region.PageSize + 100, new byte[] { 0xD1, 0xD2 });
            }

            return 0;
        }).Join();

        long[] reported = Enumerable.Range(0, Pages).Where(i => recorder.WriteCalls[i] > 0).Select(i => (long)i).ToArray();
        Assert.Equal(written, reported);
        Assert.True(region.Statistics.WriteFaults >= written.Length);
        foreach (long page in written)
        {
            byte[] content = region.AsReadOnlySpan(page * region.PageSize, region.PageSize).ToArray();
            Assert.Equal(new byte[] { 0xD1, 0xD2 }, content[100..102]);
            content[100] = content[101] = RegionRecorder.FillByte(page);
            Assert.True(RegionRecorder.HasPattern(page, content), $"page {page} must keep the rest of its content");
        }

        // The pages are unprotected now: writing them again reports nothing; Unprotect of the rest needs no handler.
        int before = recorder.WriteCalls.Sum();
        region.Unprotect(0, Pages);
        Faulter.Run(() =>
        {
            region.Write(3 * region.PageSize, new byte[] { 1 });
            region.Write(5 * region.PageSize, new byte[] { 1 });
            return 0;
        }).Join();
        Assert.Equal(before, recorder.WriteCalls.Sum());
        Assert.Equal(Pages, recorder.TotalFillCalls);
    }

    [Fact]
    public void Write_protect_only_regions_track_writes_to_pages_nobody_filled()
    {
        const int Pages = 8;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("WpOnly", Pages, FaultMode.WriteProtect));

        region.Protect(0, Pages);
        Faulter.Run(() =>
        {
            region.Write(2 * region.PageSize, new byte[] { 9 });
            region.Write(6 * region.PageSize + 1, new byte[] { 8 });
            return 0;
        }).Join();

        Assert.Equal(new[] { 0, 0, 1, 0, 0, 0, 1, 0 }.Select(x => x > 0), recorder.WriteCalls.Select(x => x > 0));
        Assert.Equal(9, region.AsReadOnlySpan(2 * region.PageSize, 1)[0]);
        Assert.Equal(8, region.AsReadOnlySpan(6 * region.PageSize + 1, 1)[0]);
        Assert.Equal(0, recorder.TotalFillCalls);
    }

    [Fact]
    public void Protect_on_fill_reports_the_first_write_after_a_fill_even_when_the_write_caused_the_fill()
    {
        const int Pages = 4;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("ProtectOnFill", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { ProtectOnFill = true });

        Faulter.Run(() =>
        {
            Assert.True(RegionRecorder.HasPattern(0, region.ReadPage(0)));   // read fill: installed protected
            region.Write(0, new byte[] { 0x42 });                             // first write: reported
            region.Write(region.PageSize, new byte[] { 0x43 });               // missing write: fill, then a WP fault
            region.Write(region.PageSize + 1, new byte[] { 0x44 });           // unprotected now: not reported
            return 0;
        }).Join();

        Assert.Equal(new[] { 1, 1, 0, 0 }, recorder.WriteCalls.Select(c => Math.Min(c, 1)));
        Assert.Equal(new[] { 1, 1, 0, 0 }, recorder.FillCalls);
        Assert.Equal(0x42, region.AsReadOnlySpan(0, 1)[0]);
        Assert.Equal(new byte[] { 0x43, 0x44 }, region.AsReadOnlySpan(region.PageSize, 2).ToArray());
        Assert.Equal(RegionRecorder.FillByte(1), region.AsReadOnlySpan(region.PageSize + 100, 1)[0]);
    }

    [Fact]
    public void A_throwing_write_handler_under_ZeroFill_is_recorded_and_the_write_still_lands()
    {
        var recorder = new RegionRecorder(2) { OnWrite = _ => throw new InvalidOperationException("journal full") };
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("WriteError", 2, FaultMode.WriteProtect) with { OnProviderError = ProviderErrorPolicy.ZeroFill });

        region.Protect(0, 2);
        Faulter.Run(() =>
        {
            region.Write(1, new byte[] { 7 });
            return 0;
        }).Join();

        Assert.Equal(7, region.AsReadOnlySpan(1, 1)[0]);
        Assert.IsType<InvalidOperationException>(region.LastProviderError);
        Assert.Equal(1, region.Statistics.ProviderErrors);
    }

    [Fact]
    public void Protect_needs_write_protect_mode()
    {
        using var region = TestRegion.Open(new RegionRecorder(1), TestRegion.Settings("NoWp", 1));
        Assert.Throws<InvalidOperationException>(() => region.Protect(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.AsReadOnlySpan(region.PageSize - 1, 2));
    }
}
