// corpus: expect UFFD0031
using System;
using System.Linq;
using Uffd;

namespace Corpus.BlockingPlinqRender;

/// <summary>A fractal rendered on demand; each page's rows are computed with PLINQ.</summary>
[FaultRegion(Pages = 1024)]
public sealed partial class FractalPages(int width)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int rows = page.Length / width;
        byte[][] rendered = Enumerable.Range(0, rows)
            .AsParallel()
            .AsOrdered()
            .Select(row => RenderRow((int)(pageIndex * rows + row)))
            .ToArray();
        for (int row = 0; row < rows; row++)
        {
            rendered[row].CopyTo(page.Slice(row * width, width));
        }
    }

    private byte[] RenderRow(int y)
    {
        byte[] row = new byte[width];
        for (int x = 0; x < width; x++)
        {
            double cr = x * 3.0 / width - 2, ci = y * 2.0 / width - 1, zr = 0, zi = 0;
            int n = 0;
            while (n < 255 && zr * zr + zi * zi < 4)
            {
                (zr, zi) = (zr * zr - zi * zi + cr, 2 * zr * zi + ci);
                n++;
            }

            row[x] = (byte)n;
        }

        return row;
    }
}
