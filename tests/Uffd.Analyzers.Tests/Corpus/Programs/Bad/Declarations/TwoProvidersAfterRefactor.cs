// corpus: expect UFFD0021
using System;
using Uffd;

namespace Corpus.TwoProvidersAfterRefactor;

// A faster provider was written next to the old one, which kept its attribute.
[FaultRegion(Pages = 64)]
public sealed partial class Noise
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page)
    {
        var random = new Random((int)pageIndex);
        random.NextBytes(page);
    }

    [PageProvider]
    private static void FillFast(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * 31));
}
