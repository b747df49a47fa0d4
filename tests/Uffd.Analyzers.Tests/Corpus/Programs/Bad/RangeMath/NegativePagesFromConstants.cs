// corpus: expect UFFD0040
using System;
using Uffd;

namespace Corpus.NegativePagesFromConstants;

public static class Budget
{
    public const long TotalPages = 256;
    public const long ReservedPages = 512;
}

[FaultRegion(Pages = Budget.TotalPages - Budget.ReservedPages)]
public sealed partial class Spare
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
