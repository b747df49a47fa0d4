// corpus: expect UFFD0011
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.WriteHandlerAttributeForgotten;

// Dirty-page tracking whose handler lost its attribute: writes unprotect pages and nobody records them.
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 64)]
public sealed partial class DirtyPages
{
    private readonly ConcurrentDictionary<long, bool> _dirty = new();

    public bool IsDirty(long pageIndex) => _dirty.ContainsKey(pageIndex);

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    private void OnWrite(long pageIndex) => _dirty[pageIndex] = true;

    public void MarkClean() { _dirty.Clear(); Protect(0, PageCount); }
}
