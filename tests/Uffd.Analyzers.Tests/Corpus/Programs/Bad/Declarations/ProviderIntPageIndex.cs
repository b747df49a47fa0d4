// corpus: expect UFFD0020
using System;
using Uffd;

namespace Corpus.ProviderIntPageIndex;

// The region is small, so the page index "fits in an int".
[FaultRegion(Pages = 8)]
public sealed partial class Small
{
    [PageProvider]
    private static void Fill(int pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
}
