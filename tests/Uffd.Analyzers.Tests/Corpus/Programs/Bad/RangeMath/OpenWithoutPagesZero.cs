// corpus: expect UFFD0044
using System;
using Uffd;

namespace Corpus.OpenWithoutPagesZero;

[FaultRegion(Pages = 0)]
public sealed partial class Staging
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

    public static Staging Start()
    {
        var staging = new Staging();
        staging.Open();
        return staging;
    }
}
