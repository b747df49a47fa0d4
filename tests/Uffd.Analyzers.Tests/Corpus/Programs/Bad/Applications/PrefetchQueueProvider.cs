// corpus: expect UFFD0031
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.PrefetchQueueProvider;

/// <summary>A background reader queues pages in order; the provider takes the next one, waiting when the queue is empty.</summary>
[FaultRegion(Pages = 256)]
public sealed partial class StreamedPages
{
    private readonly BlockingCollection<(long Index, byte[] Bytes)> _prefetched = new(boundedCapacity: 16);

    public void Enqueue(long index, byte[] bytes) => _prefetched.Add((index, bytes));

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        (long index, byte[] bytes) = _prefetched.Take();
        if (index == pageIndex)
        {
            bytes.CopyTo(page);
        }
    }
}
