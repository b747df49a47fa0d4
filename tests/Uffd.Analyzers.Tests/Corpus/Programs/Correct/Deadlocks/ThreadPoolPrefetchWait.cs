using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ThreadPoolPrefetchWait;

/// <summary>
/// Sequential scans over a large file: each fault serves its page from the file and queues a thread-pool work item
/// that reads the next pages ahead, waiting for them there. The handler thread never waits.
/// </summary>
[FaultRegion(Pages = 8192, OnProviderError = ProviderErrorPolicy.ZeroFill)]
public sealed partial class SequentialScan(string path)
{
    private const int AheadPages = 4;
    private readonly ConcurrentDictionary<long, byte[]> _ahead = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_ahead.TryRemove(pageIndex, out byte[]? early))
        {
            early.CopyTo(page);
        }
        else
        {
            ReadPage(pageIndex, page);
        }

        int pageSize = page.Length;
        ThreadPool.QueueUserWorkItem(_ =>
        {
            var reads = new Task[AheadPages];
            for (int i = 0; i < AheadPages; i++)
            {
                long next = pageIndex + 1 + i;
                reads[i] = Task.Run(() =>
                {
                    byte[] buffer = new byte[pageSize];
                    ReadPage(next, buffer);
                    _ahead.TryAdd(next, buffer);
                });
            }

            Task.WaitAll(reads);
        });
    }

    private void ReadPage(long pageIndex, Span<byte> destination)
    {
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        file.Position = pageIndex * destination.Length;
        int read = file.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        destination[read..].Clear();
    }
}
