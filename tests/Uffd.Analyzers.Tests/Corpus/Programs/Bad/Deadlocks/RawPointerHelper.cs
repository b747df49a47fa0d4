// corpus: expect UFFD0032
using System;
using Uffd;

namespace Corpus.RawPointerHelper;

[FaultRegion(Pages = 32)]
public sealed partial class Grid
{
    public const int Width = 256;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

    private unsafe byte* Cell(int x, int y) => (byte*)BaseAddress + (long)y * Width + x;

    public unsafe byte Get(int x, int y) => *Cell(x, y);
}
