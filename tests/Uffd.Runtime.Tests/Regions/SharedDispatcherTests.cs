using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Regions share the process's dispatcher threads: opening and disposing regions, over and over, while another
/// region's faults are being served must neither lose nor delay a fault of the busy region, nor leave it with a
/// wrong page.
/// </summary>
public sealed class SharedDispatcherTests
{
    private const long BusyPages = 4096;

    [Fact]
    public void Regions_opened_and_disposed_beside_a_busy_region_never_disturb_its_faults()
    {
        var recorder = new RegionRecorder(BusyPages);
        using var busy = TestRegion.Open(recorder, TestRegion.Settings("SharedBusy", BusyPages));
        using var stop = new CancellationTokenSource();

        // Churn: regions that open, take a fault or two, and go, on the same dispatcher threads.
        var churn = Faulter.Run(() =>
        {
            int cycles = 0;
            while (!stop.IsCancellationRequested)
            {
                using var passing = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings($"SharedChurn{cycles % 8}", 4));
                Assert.Same(busy.Dispatcher, passing.Dispatcher);
                if (!RegionRecorder.HasPattern(cycles % 4, passing.ReadPage(cycles % 4)))
                {
                    return -1;
                }

                cycles++;
            }

            return cycles;
        }, "region churn");

        var readers = new List<Faulter<string?>>();
        for (int w = 0; w < 2; w++)
        {
            int first = w;
            readers.Add(Faulter.Run(() =>
            {
                byte[] page = new byte[busy.PageSize];
                for (long p = first; p < BusyPages; p += 2)
                {
                    busy.Read(p * busy.PageSize, page);
                    if (!RegionRecorder.HasPattern(p, page))
                    {
                        return $"page {p} read back wrong";
                    }
                }

                return null;
            }, $"busy reader {w}"));
        }

        Assert.All(readers, r => Assert.Null(r.Join()));
        stop.Cancel();
        int churned = churn.Join();
        Assert.True(churned >= 10, $"the churn thread failed or barely ran beside the readers ({churned} cycles)");
        Assert.Equal(BusyPages, busy.Statistics.PagesFilled);
        Assert.Equal(1, recorder.FillCalls.Max());
    }
}
