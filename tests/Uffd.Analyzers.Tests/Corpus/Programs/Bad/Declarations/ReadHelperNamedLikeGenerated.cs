// corpus: expect UFFD0006
using System;
using Uffd;

namespace Corpus.ReadHelperNamedLikeGenerated;

// A convenience property named Length, which the generator writes too.
[FaultRegion(Pages = 16)]
public sealed partial class Samples
{
    public int Length => 16 * Environment.SystemPageSize;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
