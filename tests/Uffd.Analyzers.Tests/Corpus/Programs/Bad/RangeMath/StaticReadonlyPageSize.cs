// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.StaticReadonlyPageSize;

[FaultRegion(Pages = 256)]
public sealed partial class Rows
{
    private static readonly int PageBytes = 4096;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex % 256));

    public byte[] ReadPage(long index)
    {
        var page = new byte[PageSize];
        Read(index * PageBytes, page);
        return page;
    }
}
