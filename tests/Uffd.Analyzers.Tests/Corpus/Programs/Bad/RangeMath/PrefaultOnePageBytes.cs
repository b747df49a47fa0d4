// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.PrefaultOnePageBytes;

[FaultRegion(Pages = 256, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Header
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill(0xAA);

    /// <summary>Makes the header page present before the latency-sensitive part starts.</summary>
    public void Warm() => Prefault(0, 4096);
}
