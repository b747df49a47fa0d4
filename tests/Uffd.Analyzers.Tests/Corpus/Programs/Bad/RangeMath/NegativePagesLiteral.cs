// corpus: expect UFFD0040
using System;
using Uffd;

namespace Corpus.NegativePagesLiteral;

[FaultRegion(Pages = -1)]
public sealed partial class Unbounded
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
