// corpus: expect UFFD0002
using System;
using Uffd;

namespace Corpus.ContainerNotPartial;

// The region was moved into the service class to hide it; the service itself was never made partial.
public sealed class ThumbnailService
{
    public int Count { get; set; }

    [FaultRegion(Pages = 128)]
    private sealed partial class Thumbnails
    {
        [PageProvider]
        private static void Render(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
    }
}
