// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.HelperTakesOffset;

[FaultRegion(Pages = 64)]
public sealed partial class Frames
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    private void Load(long offset, Span<byte> into) => Read(offset, into);

    public byte[] Frame(int number)
    {
        var frame = new byte[PageSize];
        Load(number * 4096L, frame);
        return frame;
    }
}
