using System;
using System.Threading;

namespace Uffd.Torture;

/// <summary>
/// For the whole run, one thread allocates small arrays in a loop and another forces a full blocking GC every
/// millisecond or so, so that GCs keep starting while other threads are (or would be) blocked in faults.
/// </summary>
internal sealed class GcPressure : IDisposable
{
    private readonly Thread allocator;
    private readonly Thread collector;
    private volatile bool stop;

    public GcPressure()
    {
        allocator = new Thread(Allocate) { IsBackground = true, Name = "tort allocate" };
        collector = new Thread(Collect) { IsBackground = true, Name = "tort collect gc" };
        allocator.Start();
        collector.Start();
    }

    /// <summary>GCs so far: every GC, of any generation, counts in generation 0's counter.</summary>
    public static int Collections => GC.CollectionCount(0);

    public void Dispose()
    {
        stop = true;
        allocator.Join();
        collector.Join();
    }

    private void Allocate()
    {
        var keep = new byte[64][];
        for (int i = 0; !stop; i++)
        {
            keep[i & 63] = new byte[1024];
            if ((i & 1023) == 0)
            {
                // Let the workers and handlers have the CPU too: two cores are shared by everything here.
                Thread.Yield();
            }
        }

        GC.KeepAlive(keep);
    }

    private void Collect()
    {
        while (!stop)
        {
            GC.Collect();
            Thread.Sleep(1);
        }
    }
}
