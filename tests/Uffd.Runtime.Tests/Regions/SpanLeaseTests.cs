using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// A span lease's pages are writable in the kernel by the time LeaseSpan returns, so a write through its span never
/// faults in managed code (where a thread blocked in a fault can deadlock the process with the GC). The tests check the
/// kernel's uffd-wp bit in the pagemap instead of writing, so a broken lease fails the test instead of faulting here.
/// </summary>
public sealed class SpanLeaseTests
{
    [Fact]
    public void A_lease_over_a_page_filled_write_protected_is_writable_when_returned_and_reports_the_fill_once()
    {
        const int Pages = 256;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("LeaseAfterFill", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { ProtectOnFill = true });

        // Every lease here populates a page nobody touched: a handler fills it and installs it write-protected (COPY
        // with WP), which wakes this thread before the handler has returned from the ioctl.
        long[] protectedUnderLease = Faulter.Run(() =>
        {
            var found = new List<long>();
            for (long p = 0; p < Pages; p++)
            {
                using SpanLease lease = region.LeaseSpan(p * region.PageSize, region.PageSize);
                if (RawPagemap.IsUffdWriteProtected(region.BaseAddress + (nint)(p * region.PageSize)))
                {
                    found.Add(p);
                }
            }

            return found.ToArray();
        }, "leaser").Join();

        Assert.True(protectedUnderLease.Length == 0,
            $"{protectedUnderLease.Length} of {Pages} pages were still write-protected under their lease (first: {string.Join(", ", protectedUnderLease.Take(8))})");
        Assert.Equal(Enumerable.Repeat(1, Pages), recorder.WriteCalls);
        Assert.Equal(Enumerable.Repeat(1, Pages), recorder.FillCalls);
    }
}
