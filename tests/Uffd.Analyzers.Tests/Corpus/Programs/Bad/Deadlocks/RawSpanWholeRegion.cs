// corpus: expect UFFD0032
using System;
using Uffd;

namespace Corpus.RawSpanWholeRegion;

[FaultRegion(Pages = 16)]
public sealed partial class Palette
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * 16));
}

public static class Histogram
{
    /// <summary>Counts byte values over the whole region, through a span made by hand over BaseAddress.</summary>
    public static unsafe int[] Of(Palette palette)
    {
        var counts = new int[256];
        var all = new ReadOnlySpan<byte>((void*)palette.BaseAddress, checked((int)palette.Length));
        foreach (byte value in all)
        {
            counts[value]++;
        }

        return counts;
    }
}
