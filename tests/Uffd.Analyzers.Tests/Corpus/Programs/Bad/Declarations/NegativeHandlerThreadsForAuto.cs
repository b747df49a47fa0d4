// corpus: expect UFFD0007
using System;
using Uffd;

namespace Corpus.NegativeHandlerThreadsForAuto;

// -1 for "pick for me", as other thread-pool settings spell it.
[FaultRegion(Pages = 64, HandlerThreads = -1)]
public sealed partial class Pool
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
