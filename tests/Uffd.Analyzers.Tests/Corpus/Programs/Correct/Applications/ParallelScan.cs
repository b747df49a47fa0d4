using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ParallelScan;

/// <summary>Rows computed on demand; the consumer scans them in parallel (blocking is fine outside the callbacks).</summary>
[FaultRegion(Pages = 512, HandlerThreads = 2)]
internal sealed partial class SquaresTable
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Span<long> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(page);
        long first = pageIndex * values.Length;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (first + i) * (first + i);
        }
    }
}

internal static class Program
{
    public static long SumOfSquares()
    {
        using var table = new SquaresTable();
        table.Open();
        long total = 0;
        var errors = new ConcurrentQueue<Exception>();
        Parallel.For(0, (int)table.PageCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, page =>
        {
            try
            {
                byte[] bytes = new byte[table.PageSize];
                table.Read(page * (long)table.PageSize, bytes);
                long sum = 0;
                foreach (long value in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes))
                {
                    sum += value;
                }

                Interlocked.Add(ref total, sum);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        });

        using var done = new ManualResetEventSlim();
        ThreadPool.QueueUserWorkItem(_ => done.Set());
        done.Wait();
        return errors.IsEmpty ? total : throw new AggregateException(errors);
    }
}
