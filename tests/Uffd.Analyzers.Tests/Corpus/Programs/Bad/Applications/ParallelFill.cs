// corpus: expect UFFD0031
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ParallelFill;

/// <summary>Splits each page into quarters and computes them in parallel: the provider waits for the pool.</summary>
[FaultRegion(Pages = 2048)]
public sealed partial class Mandelbrot
{
    [PageProvider(WritesWholePage = true)]
    private void Render(long pageIndex, Span<byte> page)
    {
        byte[] pixels = new byte[page.Length];
        int quarter = pixels.Length / 4;
        Parallel.For(0, 4, part =>
        {
            for (int i = part * quarter; i < (part + 1) * quarter; i++)
            {
                pixels[i] = Iterations(pageIndex * pixels.Length + i);
            }
        });
        pixels.CopyTo(page);
    }

    private static byte Iterations(long pixel)
    {
        double cx = (pixel % 1024) / 512.0 - 1.5, cy = (pixel / 1024 % 1024) / 512.0 - 1.0, x = 0, y = 0;
        byte n = 0;
        while (n < 255 && x * x + y * y < 4)
        {
            (x, y) = (x * x - y * y + cx, 2 * x * y + cy);
            n++;
        }

        return n;
    }
}
