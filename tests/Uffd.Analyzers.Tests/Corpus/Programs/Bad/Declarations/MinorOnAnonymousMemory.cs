// corpus: expect UFFD0012
using System;
using Uffd;

namespace Corpus.MinorOnAnonymousMemory;

// Minor faults were chosen "because they are cheaper", on plain anonymous memory.
[FaultRegion(Mode = FaultMode.Minor, Memory = RegionMemory.Anonymous, Pages = 32)]
public sealed partial class Cache
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
