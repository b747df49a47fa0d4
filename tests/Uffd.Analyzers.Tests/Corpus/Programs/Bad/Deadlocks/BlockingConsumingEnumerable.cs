// corpus: expect UFFD0031
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.BlockingConsumingEnumerable;

/// <summary>
/// Audio samples arrive in chunks from a capture callback; the provider assembles a page from as many chunks as it
/// takes, waiting for the next chunk when the queue is empty.
/// </summary>
[FaultRegion(Pages = 2048)]
public sealed partial class CaptureRing
{
    private readonly BlockingCollection<byte[]> _chunks = new();

    public void OnCaptured(byte[] chunk) => _chunks.Add(chunk);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int filled = 0;
        foreach (byte[] chunk in _chunks.GetConsumingEnumerable())
        {
            int count = Math.Min(chunk.Length, page.Length - filled);
            chunk.AsSpan(0, count).CopyTo(page[filled..]);
            filled += count;
            if (filled == page.Length)
            {
                break;
            }
        }
    }
}
