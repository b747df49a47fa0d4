using Uffd.Regions;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Asynchronous write tracking's steady state allocates nothing on the caller's thread: stores through spans over
/// present pages, and the collect that reports and re-protects them (its scan once built an error message it did not
/// throw, 208 bytes a call).
/// </summary>
public sealed class AsynchronousTrackingAllocationTests
{
    private const long Pages = 512;

    [Fact]
    public void Span_stores_and_CollectWrittenPages_allocate_nothing_once_warm()
    {
        using var region = TestRegion.Open(new RegionRecorder(Pages),
            TestRegion.Settings("AsyncAlloc", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { WriteTracking = WriteTracking.Asynchronous });
        var runs = new PageRange[64];
        long spans = 0, collects = 0, collected = 0;
        for (int round = 0; round < 4; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (long p = 0; p < Pages; p++)
            {
                region.AsSpan(p * region.PageSize, region.PageSize)[0] = (byte)round;
            }

            long stored = GC.GetAllocatedBytesForCurrentThread();
            collected = 0;
            int found;
            do
            {
                found = region.CollectWrittenPages(runs);
                for (int i = 0; i < found; i++)
                {
                    collected += runs[i].Count;
                }
            }
            while (found == runs.Length);

            long after = GC.GetAllocatedBytesForCurrentThread();
            if (round > 0)
            {
                // Round 0 faults the pages in and compiles the paths.
                spans += stored - before;
                collects += after - stored;
            }
        }

        Assert.Equal(Pages, collected);
        Assert.Equal(0, spans);
        Assert.Equal(0, collects);
    }
}
