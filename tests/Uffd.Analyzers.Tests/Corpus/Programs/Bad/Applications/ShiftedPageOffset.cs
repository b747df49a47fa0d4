// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.ShiftedPageOffset;

[FaultRegion(Pages = 512)]
public sealed partial class Pages
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    public byte FirstByteOf(long pageIndex)
    {
        Span<byte> one = stackalloc byte[1];
        Read(pageIndex << 12, one);
        return one[0];
    }
}
