using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// One thread reads one byte of every page of a fresh MISSING region, in random order (round trips) or in address
/// order (the sequential scan, where read-ahead pays). The reads are native (GcSafeMemory), as a faulting access
/// from .NET must be; the C reference reads with a plain load.
/// </summary>
internal sealed class RegionReadScenario(string name, Func<IBenchmarkRegion> create, long pages, bool sequential) : IFaultScenario
{
    private IBenchmarkRegion? region;
    private long[]? order;

    public void Prepare()
    {
        region = create();
        region.Open(pages);
        order = sequential ? null : AccessOrder.Shuffled(pages, seed: 0x5EED);
    }

    public long Execute()
    {
        long wrong = order is null
            ? PageReads.CountNotFilled(region!.BaseAddress, region.PageSize, pages)
            : PageReads.CountNotFilled(region!.BaseAddress, region.PageSize, order);

        return wrong == 0 ? pages : throw new InvalidOperationException($"{name}: {wrong} pages read wrong bytes.");
    }

    public void Finish()
    {
        IBenchmarkRegion finishing = region!;
        region = null;
        using (finishing)
        {
            RegionChecks.FilledOnce(finishing, pages, name);
            RegionChecks.AllBytes(finishing.BaseAddress, pages * finishing.PageSize, Patterns.Fill, name);
        }
    }
}
