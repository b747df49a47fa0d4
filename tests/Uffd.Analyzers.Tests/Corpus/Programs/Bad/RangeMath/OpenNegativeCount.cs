// corpus: expect UFFD0044
using System;
using Uffd;

namespace Corpus.OpenNegativeCount;

[FaultRegion]
public sealed partial class Pool
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    public static Pool Empty()
    {
        var pool = new Pool();
        pool.Open(-1);
        return pool;
    }
}
