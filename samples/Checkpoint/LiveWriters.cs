using System;
using System.Threading;

namespace Checkpoint;

/// <summary>
/// Threads that update the table while checkpoints are taken. Each owns the rows whose number modulo
/// <see cref="Count"/> is its index, so its writes to the shadow never meet another's; their writes to the table
/// share pages, and the kernel's tracking has to catch every one of them all the same.
/// </summary>
internal sealed class LiveWriters : IDisposable
{
    public const int Count = 4;

    private readonly Thread[] threads = new Thread[Count];
    private long updates;
    private volatile bool stop;

    public LiveWriters(Table table, byte[] shadow, int rows, int seed)
    {
        for (int w = 0; w < Count; w++)
        {
            int writer = w;
            var random = new Random(seed + writer);
            threads[w] = new Thread(() =>
            {
                while (!stop)
                {
                    int r = writer + Count * random.Next(rows / Count);
                    Workload.UpdateRow(table, shadow, r, random);
                    Interlocked.Increment(ref updates);
                    Thread.SpinWait(200);
                }
            })
            { IsBackground = true, Name = $"live writer {w}" };
            threads[w].Start();
        }
    }

    /// <summary>Row updates made so far.</summary>
    public long Updates => Interlocked.Read(ref updates);

    /// <summary>Stops the writers and waits for their last update to finish.</summary>
    public void Dispose()
    {
        stop = true;
        foreach (Thread t in threads)
        {
            t.Join();
        }
    }
}
