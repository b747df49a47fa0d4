// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.ConstFieldPageSize;

[FaultRegion(Pages = 64)]
public sealed partial class Table
{
    private const int BytesPerPage = 4096;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    public byte ReadRow(long row)
    {
        byte[] one = new byte[1];
        Read(row * BytesPerPage, one);
        return one[0];
    }
}
