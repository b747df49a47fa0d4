using System;
using System.Buffers;
using Uffd;

namespace Corpus.SnapshotChecksums;

/// <summary>Generated tiles, checksummed from outside the handler threads through the safe accessors.</summary>
[FaultRegion(Pages = 256, ReadAhead = 4)]
public sealed partial class NoiseTiles
{
    private readonly int _seed;

    public NoiseTiles(int seed) => _seed = seed;

    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page)
    {
        var random = new Random(HashCode.Combine(_seed, pageIndex));
        random.NextBytes(page);
    }
}

public static class Checksums
{
    /// <summary>Copies each page out with Read (a native copy) and hashes it.</summary>
    public static ulong[] PerPage(NoiseTiles tiles)
    {
        var sums = new ulong[tiles.PageCount];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(tiles.PageSize);
        try
        {
            tiles.Prefault(0, tiles.Length);
            for (long page = 0; page < tiles.PageCount; page++)
            {
                Span<byte> bytes = buffer.AsSpan(0, tiles.PageSize);
                tiles.Read(page * tiles.PageSize, bytes);
                sums[page] = Fnv1a(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return sums;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (byte value in bytes)
        {
            hash = (hash ^ value) * 1099511628211;
        }

        return hash;
    }

    /// <summary>Spans from AsReadOnlySpan are present before they are returned.</summary>
    public static int CountZeroBytes(NoiseTiles tiles, long firstPage, int pages)
    {
        ReadOnlySpan<byte> range = tiles.AsReadOnlySpan(firstPage * tiles.PageSize, pages * tiles.PageSize);
        int zeros = 0;
        foreach (byte value in range)
        {
            zeros += value == 0 ? 1 : 0;
        }

        return zeros;
    }
}
