// corpus: expect UFFD0040
// corpus: known-miss UFFD0040 reads the attribute only; a negative constant given to Open(pages) throws at run time but no rule looks at Open's argument yet
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
