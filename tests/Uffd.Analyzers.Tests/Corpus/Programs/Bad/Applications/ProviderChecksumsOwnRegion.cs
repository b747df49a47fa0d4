// corpus: expect UFFD0030
using System;
using Uffd;

namespace Corpus.ProviderChecksumsOwnRegion;

/// <summary>The provider "verifies" its neighbour page through a helper that reads the region itself.</summary>
[FaultRegion(Pages = 128)]
public sealed partial class VerifiedPages
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        page.Fill((byte)pageIndex);
        if (pageIndex > 0 && PageChecksum(pageIndex - 1) == 0)
        {
            page[0] = 0xFF;
        }
    }

    private int PageChecksum(long pageIndex)
    {
        int sum = 0;
        foreach (byte b in AsReadOnlySpan(pageIndex * PageSize, PageSize))
        {
            sum += b;
        }

        return sum;
    }
}
