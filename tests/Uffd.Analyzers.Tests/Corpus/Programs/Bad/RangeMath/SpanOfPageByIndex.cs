// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.SpanOfPageByIndex;

[FaultRegion(Pages = 32)]
public sealed partial class Frames
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex + 1));

    public int Sum(long index)
    {
        int sum = 0;
        foreach (byte b in AsReadOnlySpan(index * 4096, 4096))
        {
            sum += b;
        }

        return sum;
    }
}
