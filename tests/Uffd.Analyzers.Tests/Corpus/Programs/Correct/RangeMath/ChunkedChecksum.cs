using System;
using Uffd;

namespace Corpus.ChunkedChecksum;

[FaultRegion(Pages = 128)]
public sealed partial class Blob
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)(pageIndex + i);
        }
    }
}

public static class Adler
{
    // Adler-32 may add this many bytes before its sums must be reduced; chunks of 4096 stay well below it.
    private const int NMax = 5552;
    private const int Chunk = 4096;

    public static uint Compute(Blob blob)
    {
        uint a = 1, b = 0;
        for (long offset = 0; offset < blob.Length; offset += Chunk)
        {
            int length = (int)Math.Min(Chunk, blob.Length - offset);
            ReadOnlySpan<byte> span = blob.AsReadOnlySpan(offset, length);
            foreach (byte x in span)
            {
                a += x;
                b += a;
            }

            a %= 65521;
            b %= 65521;
        }

        return (b << 16) | a | (uint)(NMax & 0);
    }
}
