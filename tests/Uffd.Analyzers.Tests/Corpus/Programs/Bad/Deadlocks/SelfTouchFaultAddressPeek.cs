// corpus: expect UFFD0030 UFFD0032
using System;
using Uffd;

namespace Corpus.SelfTouchFaultAddressPeek;

/// <summary>
/// A provider that "checks" the page it was asked for before filling it, through the fault address: the page is
/// missing by definition, so the handler faults on it and waits for itself.
/// </summary>
[FaultRegion(Pages = 256, OnProviderError = ProviderErrorPolicy.ZeroFill)]
public sealed partial class Tiles
{
    private readonly byte[][] _tiles;

    public Tiles(byte[][] tiles) => _tiles = tiles;

    [PageProvider]
    private unsafe PageFill Fill(in PageFaultContext context, Span<byte> page)
    {
        if (*(byte*)context.Address != 0)
        {
            return PageFill.Filled;
        }

        byte[] tile = _tiles[context.PageIndex % _tiles.Length];
        tile.AsSpan(0, Math.Min(tile.Length, page.Length)).CopyTo(page);
        return PageFill.Filled;
    }
}
