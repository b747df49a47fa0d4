// corpus: expect UFFD0025
using System;
using Uffd;

namespace Corpus.WriteHandlerInMissingOnlyRegion;

// A write counter, but Mode was left at its default (Missing only): the handler never runs.
[FaultRegion(Pages = 64)]
public sealed partial class CountedWrites
{
    private long _writes;

    public long Writes => _writes;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex) => System.Threading.Interlocked.Increment(ref _writes);
}
