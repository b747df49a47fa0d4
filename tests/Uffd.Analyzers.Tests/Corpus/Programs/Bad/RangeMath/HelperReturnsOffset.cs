// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.HelperReturnsOffset;

[FaultRegion(Pages = 64)]
public sealed partial class Catalog
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    private static long OffsetOf(long page) => page * 4096;

    public byte FirstByte(long page)
    {
        Span<byte> one = stackalloc byte[1];
        Read(OffsetOf(page), one);
        return one[0];
    }
}
