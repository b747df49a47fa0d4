// corpus: expect UFFD0045
using System;
using Uffd;

namespace Corpus.PagesAboveMaximumTiB;

public static class Sizes
{
    public const long TiB = 1L << 40;
}

/// <summary>16 TiB of address space for a sparse key-value store.</summary>
[FaultRegion(Pages = 16 * Sizes.TiB / 4096)]
public sealed partial class KeySpace
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
