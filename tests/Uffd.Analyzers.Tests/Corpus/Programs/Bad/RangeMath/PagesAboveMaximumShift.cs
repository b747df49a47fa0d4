// corpus: expect UFFD0045
using System;
using Uffd;

namespace Corpus.PagesAboveMaximumShift;

[FaultRegion(Pages = 1L << 31)]
public sealed partial class Sparse
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
