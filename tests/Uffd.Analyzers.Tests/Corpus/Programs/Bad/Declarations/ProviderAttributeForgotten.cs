// corpus: expect UFFD0010
using System;
using Uffd;

namespace Corpus.ProviderAttributeForgotten;

// The method is there and looks right; the [PageProvider] attribute is not.
[FaultRegion(Pages = 32)]
public sealed partial class Gradient
{
    private static void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)(i + pageIndex);
        }
    }
}
