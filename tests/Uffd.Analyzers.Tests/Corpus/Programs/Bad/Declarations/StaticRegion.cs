// corpus: expect UFFD0004
using System;
using Uffd;

namespace Corpus.StaticRegion;

// "There is only one table in the process", so the user made the region a static class.
[FaultRegion(Pages = 16)]
public static partial class GlobalTable
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
