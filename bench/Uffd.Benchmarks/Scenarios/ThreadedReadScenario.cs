using System;
using System.Linq;
using System.Threading;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// Several faulting threads over disjoint random page sets of one region (thread i takes every n-th entry of one
/// random permutation, as the C reference does). The threads start in <see cref="Prepare"/> and wait on a barrier,
/// so the timed part is the faults alone.
/// </summary>
internal sealed class ThreadedReadScenario(string name, Func<IBenchmarkRegion> create, long pages, int faulters) : IFaultScenario
{
    private IBenchmarkRegion? region;
    private Thread[]? threads;
    private long[]? wrong;
    private Barrier? start;
    private long perThread;

    public void Prepare()
    {
        region = create();
        region.Open(pages);
        long[] order = AccessOrder.Shuffled(pages, seed: 0x7EAD);
        perThread = pages / faulters;
        start = new Barrier(faulters + 1);
        wrong = new long[faulters];
        threads = new Thread[faulters];
        nint baseAddress = region.BaseAddress;
        int pageSize = region.PageSize;
        for (int t = 0; t < faulters; t++)
        {
            int index = t;
            long[] mine = new long[perThread];
            for (long k = 0; k < perThread; k++)
            {
                mine[k] = order[k * faulters + index];
            }

            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                wrong[index] = PageReads.CountNotFilled(baseAddress, pageSize, mine);
            })
            { IsBackground = true, Name = $"{name} faulter {t}" };
            threads[t].Start();
        }
    }

    public long Execute()
    {
        start!.SignalAndWait();
        foreach (Thread thread in threads!)
        {
            thread.Join();
        }

        return perThread * threads.Length;
    }

    public void Finish()
    {
        IBenchmarkRegion finishing = region!;
        region = null;
        start!.Dispose();
        using (finishing)
        {
            RegionChecks.Equal(0, wrong!.Sum(), "pages read wrong", name);
            RegionChecks.FilledOnce(finishing, perThread * threads!.Length, name);
        }
    }
}
