// corpus: expect UFFD0030 UFFD0032
using System;
using Uffd;

namespace Corpus.SelfTouchPointerProperty;

/// <summary>Game of life generations, one page each, the next computed from the previous through a pointer property.</summary>
[FaultRegion(Pages = 100)]
public sealed unsafe partial class Generations
{
    private const int Width = 64;

    private byte* Cells => (byte*)BaseAddress;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex == 0)
        {
            page[Width + 1] = page[Width + 2] = page[Width + 3] = 1;
            return;
        }

        long previous = (pageIndex - 1) * page.Length;
        for (int cell = Width; cell < page.Length - Width; cell++)
        {
            int neighbours = Cells[previous + cell - 1] + Cells[previous + cell + 1]
                + Cells[previous + cell - Width] + Cells[previous + cell + Width];
            page[cell] = (byte)(neighbours is 2 or 3 ? 1 : 0);
        }
    }
}
