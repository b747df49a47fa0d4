// corpus: expect UFFD0021 UFFD0011
using System;
using Uffd;

namespace Corpus.WriteHandlerMarkedAsProvider;

// The write handler was written by copying the provider, attribute included.
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 32)]
public sealed partial class Notes
{
    private long _edits;

    public long Edits => _edits;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [PageProvider]
    private void OnWrite(long pageIndex) => System.Threading.Interlocked.Increment(ref _edits);
}
