// corpus: expect UFFD0041
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.OffsetOverLiteralInHandler;

[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Sheet
{
    private readonly List<long> _dirty = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(in PageFaultContext context)
    {
        lock (_dirty)
        {
            _dirty.Add(context.Offset / 4096);
        }
    }
}
