using System.IO;
using System.Runtime.InteropServices;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// PageFill.Zero maps a zero page, PageFill.Poison poisons it, and a throwing provider under ZeroFill or Poison
/// resolves the fault the same way and records the error. Poison is observed from the kernel: a system call that
/// reads a poisoned page gets EFAULT (a user-mode read would SIGBUS the test host).
/// </summary>
public sealed unsafe class ZeroAndPoisonTests
{
    private const int Pages = 4;

    [Fact]
    [Trait("Requires", "root")] // Poison is observed through a kernel-mode fault, which needs CAP_SYS_PTRACE here.
    public void Zero_maps_zeros_and_poison_makes_a_kernel_read_fail_with_efault()
    {
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                // Garbage in the buffer: Zero must ignore it.
                page.Fill(0xEE);
                return c.PageIndex switch { 1 => PageFill.Zero, 2 => PageFill.Poison, _ => Filled(c, page) };
            },
        };
        using var region = TestRegion.Open(recorder, KernelFaults("ZeroPoison"));

        Faulter.Run(() =>
        {
            Assert.True(region.ReadPage(1).All(b => b == 0), "page 1 must read zeros");
            Assert.True(RegionRecorder.HasPattern(0, region.ReadPage(0)));
            return 0;
        }).Join();

        Assert.Equal(TestLibc.EFAULT, region.KernelReadErrno(2));
        Assert.Equal(TestLibc.EFAULT, region.KernelReadErrno(2));
        Assert.Equal(0, region.KernelReadErrno(3));

        Assert.Equal(new[] { 1, 1, 1, 1 }, recorder.FillCalls);
        FaultRegionStatistics stats = region.Statistics;
        Assert.Equal(2, stats.PagesFilled);
        Assert.Equal(1, stats.ZeroPages);
        Assert.Equal(1, stats.PoisonedPages);
        Assert.Null(region.LastProviderError);
    }

    [Fact]
    public void A_throwing_provider_under_ZeroFill_maps_zeros_and_records_the_error()
    {
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                page.Fill(0xEE);
                return c.PageIndex == 2 ? throw new InvalidDataException("page 2 is corrupt") : Filled(c, page);
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("ZeroFillPolicy", Pages) with { OnProviderError = ProviderErrorPolicy.ZeroFill });

        byte[] page2 = Faulter.Run(() => region.ReadPage(2)).Join();
        Assert.True(page2.All(b => b == 0), "the failed page reads zeros");
        Assert.True(RegionRecorder.HasPattern(3, Faulter.Run(() => region.ReadPage(3)).Join()));

        Assert.IsType<InvalidDataException>(region.LastProviderError);
        Assert.Equal("page 2 is corrupt", region.LastProviderError!.Message);
        Assert.Equal(1, region.Statistics.ProviderErrors);
        Assert.Equal(1, region.Statistics.ZeroPages);
        Assert.Equal(1, recorder.FillCalls[2]);
    }

    [Fact]
    [Trait("Requires", "root")] // Poison is observed through a kernel-mode fault, which needs CAP_SYS_PTRACE here.
    public void A_throwing_provider_under_Poison_poisons_the_page_and_records_the_error()
    {
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
                c.PageIndex == 1 ? throw new TimeoutException("backend down") : Filled(c, page),
        };
        using var region = TestRegion.Open(recorder, KernelFaults("PoisonPolicy") with { OnProviderError = ProviderErrorPolicy.Poison });

        Assert.Equal(TestLibc.EFAULT, region.KernelReadErrno(1));
        Assert.Equal(0, region.KernelReadErrno(0));
        Assert.IsType<TimeoutException>(region.LastProviderError);
        Assert.Equal(1, region.Statistics.PoisonedPages);
        Assert.Equal(1, region.Statistics.ProviderErrors);
        Assert.Equal(new[] { 1, 1, 0, 0 }, recorder.FillCalls);
    }

    /// <summary>
    /// A region whose uffd serves kernel-mode faults: on a user-mode-only one the kernel's read of a page never filled
    /// fails with EFAULT whether or not the provider would poison it, so the page would never reach the provider.
    /// </summary>
    private static FaultRegionSettings KernelFaults(string name) =>
        TestRegion.Settings(name, Pages) with { UserModeOnly = UserModeOnlyPolicy.Forbid };

    private static PageFill Filled(in PageFaultContext c, Span<byte> page)
    {
        RegionRecorder.Pattern(c.PageIndex, page);
        return PageFill.Filled;
    }
}
