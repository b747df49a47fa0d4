// corpus: expect UFFD0020
using System;
using Uffd;

namespace Corpus.ProviderRefSpan;

// "The provider writes into the page", so the page was passed by ref.
[FaultRegion(Pages = 16)]
public sealed partial class Counters
{
    [PageProvider]
    private static void Fill(long pageIndex, ref Span<byte> page) => page.Fill(0);
}
