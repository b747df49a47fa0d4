// corpus: expect UFFD0013
using System;
using Uffd;

namespace Corpus.AsyncTrackingWithoutWriteProtect;

// Asynchronous dirty tracking was asked for, but the mode only serves missing pages.
[FaultRegion(Mode = FaultMode.Missing, WriteTracking = WriteTracking.Asynchronous, Pages = 256)]
public sealed partial class Snapshot
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
