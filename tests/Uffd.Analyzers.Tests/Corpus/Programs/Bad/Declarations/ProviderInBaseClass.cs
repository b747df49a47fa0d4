// corpus: expect UFFD0022 UFFD0010
using System;
using Uffd;

namespace Corpus.ProviderInBaseClass;

// A reusable base class holds the provider; the generated glue only looks in the region class itself.
public abstract class PatternSource
{
    [PageProvider]
    protected void Fill(long pageIndex, Span<byte> page) => page.Fill(Pattern(pageIndex));

    protected abstract byte Pattern(long pageIndex);
}

[FaultRegion(Pages = 16)]
public sealed partial class Stripes : PatternSource
{
    protected override byte Pattern(long pageIndex) => (byte)(pageIndex % 2 == 0 ? 0x00 : 0xff);
}
