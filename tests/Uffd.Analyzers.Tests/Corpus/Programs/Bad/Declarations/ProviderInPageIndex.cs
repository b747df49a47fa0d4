// corpus: expect UFFD0020
using System;
using Uffd;

namespace Corpus.ProviderInPageIndex;

// 'in' everywhere "to avoid copies", the page index included.
[FaultRegion(Pages = 16)]
public sealed partial class Heights
{
    [PageProvider]
    private static void Fill(in long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
}
