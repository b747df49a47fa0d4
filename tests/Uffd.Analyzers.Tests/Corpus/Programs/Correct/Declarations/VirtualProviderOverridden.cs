using System;
using Uffd;

namespace Corpus.VirtualProviderOverridden;

/// <summary>A base region with a default provider that subclasses may replace.</summary>
[FaultRegion(Pages = 64)]
public partial class TileRegion
{
    [PageProvider]
    protected virtual void Fill(long pageIndex, Span<byte> page) => page.Clear();
}

/// <summary>The override keeps the attribute it was copied with; the region's call reaches it by virtual dispatch.</summary>
public class StripedTiles : TileRegion
{
    [PageProvider]
    protected override void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex % 2 == 0 ? 0 : 0xff));
}

public sealed class DottedTiles : TileRegion
{
    protected override void Fill(long pageIndex, Span<byte> page)
    {
        page.Clear();
        page[0] = 1;
    }
}
