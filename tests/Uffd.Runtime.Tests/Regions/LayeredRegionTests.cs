using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// A provider that reads another region served by the same dispatcher (a layered image): the read waits in a fault
/// only that dispatcher's threads serve, so while providers wait the dispatcher runs a spare thread per wait. With
/// more faulting threads than CPUs and no spares, every pinned thread would wait in a provider and nothing would
/// serve the faults they wait for.
/// </summary>
public sealed class LayeredRegionTests
{
    private const long Pages = 256;

    [Fact]
    public void Providers_reading_another_region_of_the_same_dispatcher_never_starve_it_and_the_spares_leave_when_idle()
    {
        var lower = new RegionRecorder(Pages);
        using var source = TestRegion.Open(lower, TestRegion.Settings("LayerLower", Pages));
        using var mirror = FaultRegionEngine<MirrorCallbacks>.Open(
            new MirrorCallbacks(source), TestRegion.Settings("LayerUpper", Pages));
        Assert.Same(source.Dispatcher, mirror.Dispatcher);
        long sparesBefore = mirror.Dispatcher.SparesStarted;

        // Four faulting threads on a 2-CPU machine, each on its own quarter of the pages.
        int workers = Math.Max(4, 2 * Environment.ProcessorCount);
        var faulters = new List<Faulter<string?>>();
        for (int w = 0; w < workers; w++)
        {
            int first = w;
            faulters.Add(Faulter.Run(() =>
            {
                byte[] page = new byte[mirror.PageSize];
                for (long p = first; p < Pages; p += workers)
                {
                    mirror.Read(p * mirror.PageSize, page);
                    if (!RegionRecorder.HasPattern(p, page))
                    {
                        return $"page {p} read back wrong";
                    }
                }

                return null;
            }, $"layer faulter {w}"));
        }

        Assert.All(faulters, f => Assert.Null(f.Join()));
        Assert.Equal(Pages, mirror.Statistics.PagesFilled);
        Assert.Equal(Pages, source.Statistics.PagesFilled);
        Assert.True(mirror.Dispatcher.SparesStarted > sparesBefore, "no spare thread ran while providers waited in the other region's faults");

        // Idle, the spares leave: the shared dispatcher is back to its pinned threads.
        Assert.True(Bounded.Until(() => mirror.Dispatcher.SpareThreadCount == 0), "the spare threads stayed after the faults ended");
        Assert.Equal(mirror.Dispatcher.PinnedCount, mirror.Handlers.Count);
    }

    /// <summary>Fills each page with the same page of another region, read through its accessor on the handler thread.</summary>
    private readonly struct MirrorCallbacks(FaultRegionEngine<RecordingCallbacks> source) : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            source.Read(context.PageIndex * context.PageSize, page);
            return PageFill.Filled;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }
    }
}
