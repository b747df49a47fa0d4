// corpus: expect UFFD0020
using System;
using Uffd;

namespace Corpus.ProviderReadOnlySpan;

// The analyzer-happy habit of taking ReadOnlySpan parameters, applied to the one span that must be written.
[FaultRegion(Pages = 16)]
public sealed partial class Frames
{
    [PageProvider]
    private static void Fill(PageFaultContext context, ReadOnlySpan<byte> page)
    {
        if (page.Length == 0)
        {
            throw new InvalidOperationException("empty page");
        }
    }
}
