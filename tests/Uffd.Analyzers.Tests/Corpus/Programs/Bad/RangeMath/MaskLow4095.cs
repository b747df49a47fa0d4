// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MaskLow4095;

[FaultRegion(Pages = 32)]
public sealed partial class Pattern
{
    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        int within = (int)(context.Offset & 4095);
        page.Fill((byte)within);
    }
}
