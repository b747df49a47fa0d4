using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.AsyncWriteLog;

/// <summary>Writers never wait; a background task harvests the pages they wrote every few milliseconds.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 2048)]
public sealed partial class JournaledBuffer
{
    [PageProvider]
    private static PageFill Fill(long pageIndex, Span<byte> page) => PageFill.Zero;
}

public static class Program
{
    public static async Task<List<PageRange>> RunAsync(CancellationToken cancellationToken)
    {
        using var buffer = new JournaledBuffer();
        buffer.Open();
        var written = new List<PageRange>();
        Task writer = Task.Run(() =>
        {
            byte[] record = new byte[64];
            for (int i = 0; i < 10_000 && !cancellationToken.IsCancellationRequested; i++)
            {
                long offset = (long)(i * 7919 % buffer.PageCount) * buffer.PageSize;
                buffer.Write(offset, record);
            }
        }, cancellationToken);

        PageRange[] runs = new PageRange[256];
        while (!writer.IsCompleted)
        {
            await Task.Delay(5, cancellationToken);
            Harvest(buffer, runs, written);
        }

        await writer;
        Harvest(buffer, runs, written);
        return written;
    }

    private static void Harvest(JournaledBuffer buffer, PageRange[] runs, List<PageRange> into)
    {
        int count;
        do
        {
            count = buffer.CollectWrittenPages(runs);
            into.AddRange(runs.AsSpan(0, count).ToArray());
        }
        while (count == runs.Length);
    }
}
