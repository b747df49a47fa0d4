using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// Minor-fault round trips on shared memory: <see cref="Prepare"/> writes every page through the alias (the page
/// cache is populated, the registered view is not mapped); the timed part reads each page in random order.
/// </summary>
internal sealed class MinorScenario(string name, long pages) : IFaultScenario
{
    private MinorRegion? region;
    private long[]? order;

    public void Prepare()
    {
        region = new MinorRegion();
        region.Open(pages);
        for (long p = 0; p < pages; p++)
        {
            region.AliasSpan(p * region.PageSize, region.PageSize).Fill(Patterns.Fill);
        }

        order = AccessOrder.Shuffled(pages, seed: 0x1A0E);
    }

    public long Execute()
    {
        long wrong = PageReads.CountNotFilled(region!.BaseAddress, region.PageSize, order!);

        return wrong == 0 ? pages : throw new InvalidOperationException($"{name}: {wrong} pages read wrong bytes.");
    }

    public void Finish()
    {
        MinorRegion finishing = region!;
        region = null;
        using (finishing)
        {
            RegionChecks.Equal(pages, finishing.Statistics.MinorFaults, "minor faults served", name);
            RegionChecks.AllBytes(finishing.BaseAddress, pages * finishing.PageSize, Patterns.Fill, name);
        }
    }
}
