using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.HelperPagesNumbers;

/// <summary>A provider that asks a static helper for page geometry: the helper reads numbers only.</summary>
[FaultRegion(Pages = 1024)]
public sealed partial class Terrain
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page)
    {
        (long row, long column) = Geometry.Cell(this, pageIndex);
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)((row * 7 + column * 13 + i) & 0xFF);
        }
    }
}

public static class Geometry
{
    public const int CellsPerRow = 32;

    public static (long Row, long Column) Cell(Terrain terrain, long pageIndex) =>
        (pageIndex / CellsPerRow, pageIndex % Math.Min(CellsPerRow, terrain.PageCount));

    /// <summary>Hands the address to native code, which may fault there safely (never from a provider).</summary>
    public static void Discard(Terrain terrain, long pageIndex) =>
        _ = madvise(terrain.BaseAddress + (nint)(pageIndex * terrain.PageSize), (nuint)terrain.PageSize, 4);

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
