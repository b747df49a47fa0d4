// corpus: expect UFFD0030
using System;
using Uffd;

namespace Corpus.SelfTouchLambdaLookup;

/// <summary>A mip chain: each level is the half-size average of the level before it, stored in the same region.</summary>
[FaultRegion(Pages = 96)]
public sealed partial class MipChain
{
    private readonly byte[] _level0;

    public MipChain(byte[] level0) => _level0 = level0;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex < 64)
        {
            _level0.AsSpan((int)(pageIndex * page.Length), page.Length).CopyTo(page);
            return;
        }

        long sourcePage = (pageIndex - 64) * 2;
        Func<long, int, byte> texel = (p, i) => AsReadOnlySpan(p * PageSize + i, 1)[0];
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)((texel(sourcePage, i) + texel(sourcePage + 1, i)) / 2);
        }
    }
}
