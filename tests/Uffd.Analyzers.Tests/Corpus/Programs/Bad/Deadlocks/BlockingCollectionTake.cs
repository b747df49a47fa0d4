// corpus: expect UFFD0031
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.BlockingCollectionTake;

/// <summary>
/// Rendered tiles are produced by a pool of render threads into a queue; each fault takes the next rendered tile.
/// </summary>
[FaultRegion(Pages = 256)]
public sealed partial class TileStream
{
    private readonly BlockingCollection<byte[]> _rendered = new(boundedCapacity: 16);

    public void Publish(byte[] tile) => _rendered.Add(tile);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] tile = _rendered.Take();
        tile.AsSpan(0, Math.Min(tile.Length, page.Length)).CopyTo(page);
    }
}
