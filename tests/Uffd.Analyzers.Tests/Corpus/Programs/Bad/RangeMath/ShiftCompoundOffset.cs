// corpus: expect UFFD0041
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.ShiftCompoundOffset;

[FaultRegion(Pages = 128, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Counters
{
    private readonly ConcurrentDictionary<long, int> _writes = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(in PageFaultContext context)
    {
        long page = context.Offset;
        page >>= 12;
        _writes.AddOrUpdate(page, 1, (_, n) => n + 1);
    }
}
