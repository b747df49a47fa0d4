// corpus: expect UFFD0031
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingParallelChecksum;

/// <summary>
/// Generates noise pages for a benchmark; the author parallelised the generation of each page with Parallel.For.
/// </summary>
[FaultRegion(Pages = 2048)]
public sealed partial class NoisePages(int seed)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] buffer = new byte[page.Length];
        int chunks = buffer.Length / 256;
        Parallel.For(0, chunks, chunk =>
        {
            var random = new Random(HashCode.Combine(seed, pageIndex, chunk));
            random.NextBytes(buffer.AsSpan(chunk * 256, 256));
        });
        buffer.CopyTo(page);
    }
}
