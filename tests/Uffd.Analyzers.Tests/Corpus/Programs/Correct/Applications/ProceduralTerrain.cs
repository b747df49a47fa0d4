using System;
using Uffd;

namespace Corpus.ProceduralTerrain;

/// <summary>A height map too large to compute up front: each page of heights is generated when first read.</summary>
[FaultRegion(Pages = 4096, OnProviderError = ProviderErrorPolicy.ZeroFill)]
public sealed partial class HeightMap
{
    private const int Seed = 4096;
    private readonly int _width;

    public HeightMap(int width) => _width = width;

    [PageProvider(WritesWholePage = true)]
    private void Generate(long pageIndex, Span<byte> page)
    {
        long first = pageIndex * page.Length;
        for (int i = 0; i < page.Length; i++)
        {
            long cell = first + i;
            long x = cell % _width;
            long y = cell / _width;
            page[i] = Noise(x, y);
        }
    }

    private static byte Noise(long x, long y)
    {
        ulong h = (ulong)(x * 73856093 ^ y * 19349663 ^ Seed);
        h ^= h >> 13;
        h *= 0x5bd1e995;
        h ^= h >> 15;
        return (byte)(h & 0xFF);
    }

    public int HeightAt(long x, long y)
    {
        long cell = y * _width + x;
        ReadOnlySpan<byte> heights = AsReadOnlySpan(cell, 1);
        return heights[0];
    }
}

public static class Program
{
    public static double AverageHeight()
    {
        using var map = new HeightMap(width: 8192);
        map.Open();
        long sum = 0;
        const int samples = 4096;
        var random = new Random(4096);
        for (int i = 0; i < samples; i++)
        {
            sum += map.HeightAt(random.Next(8192), random.Next(4096));
        }

        return (double)sum / samples;
    }
}
