// corpus: expect UFFD0041
// corpus: known-miss a bare byte offset of 4096 given to Read is as often a record or header offset as "the second page"; the rule cannot tell and stays quiet
using System;
using Uffd;

namespace Corpus.ReadAtSecondPage;

[FaultRegion(Pages = 8)]
public sealed partial class Image
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    /// <summary>The first byte of the second page.</summary>
    public byte SecondPageMarker()
    {
        Span<byte> one = stackalloc byte[1];
        Read(4096, one);
        return one[0];
    }
}
