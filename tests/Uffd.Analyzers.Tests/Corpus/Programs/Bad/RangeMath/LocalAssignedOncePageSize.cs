// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.LocalAssignedOncePageSize;

[FaultRegion(Pages = 1024, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Index
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}

public static class Warmup
{
    public static void WarmRange(Index index, long firstPage, long pageCount)
    {
        long pageBytes = 4096;
        index.Prefault(firstPage * pageBytes, pageCount * pageBytes);
    }
}
