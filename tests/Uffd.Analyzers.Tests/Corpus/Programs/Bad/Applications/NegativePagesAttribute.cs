// corpus: expect UFFD0040
using System;
using Uffd;

namespace Corpus.NegativePagesAttribute;

/// <summary>Meant 16 pages, typed a stray minus sign.</summary>
[FaultRegion(Pages = -16)]
public sealed partial class Scratch
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
