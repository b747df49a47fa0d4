// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.RemainderOfOffset;

[FaultRegion(Pages = 16)]
public sealed partial class Stripes
{
    private const int PageBytes = 4096;

    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        long firstByte = context.Offset % PageBytes;
        page.Fill((byte)(firstByte == 0 ? 0xFF : 0x00));
    }
}
