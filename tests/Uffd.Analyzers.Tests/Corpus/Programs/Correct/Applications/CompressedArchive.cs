using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using Uffd;

namespace Corpus.CompressedArchive;

/// <summary>Pages kept Brotli-compressed in memory and inflated on first access.</summary>
[FaultRegion(OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class InflatedPages
{
    private readonly IReadOnlyList<byte[]> _compressed;

    public InflatedPages(IReadOnlyList<byte[]> compressed) => _compressed = compressed;

    public static byte[] Compress(ReadOnlySpan<byte> page)
    {
        byte[] output = new byte[BrotliEncoder.GetMaxCompressedLength(page.Length)];
        if (!BrotliEncoder.TryCompress(page, output, out int written, quality: 4, window: 22))
        {
            throw new InvalidDataException("page did not compress");
        }

        return output.AsSpan(0, written).ToArray();
    }

    [PageProvider(WritesWholePage = true)]
    private void Inflate(long pageIndex, Span<byte> page)
    {
        if (!BrotliDecoder.TryDecompress(_compressed[(int)pageIndex], page, out int written) || written != page.Length)
        {
            throw new InvalidDataException($"page {pageIndex} is corrupt");
        }
    }
}

public static class Program
{
    public static long CountZeroBytes(IReadOnlyList<byte[]> compressed)
    {
        using var pages = new InflatedPages(compressed);
        pages.Open(compressed.Count);
        long zeros = 0;
        using Stream stream = pages.AsStream();
        byte[] buffer = new byte[4096 * 4];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (byte b in buffer.AsSpan(0, read))
            {
                zeros += b == 0 ? 1 : 0;
            }
        }

        return zeros;
    }

    public static byte? TryReadByte(InflatedPages pages, long offset)
    {
        byte[] one = new byte[1];
        try
        {
            pages.Read(offset, one);
            return one[0];
        }
        catch (PagePoisonedException poisoned)
        {
            Console.Error.WriteLine($"page {poisoned.PageIndex} could not be inflated: {pages.LastProviderError?.Message}");
            return null;
        }
    }
}
