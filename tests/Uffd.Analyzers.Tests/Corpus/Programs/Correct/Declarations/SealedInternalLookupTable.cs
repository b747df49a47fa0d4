using System;
using Uffd;

namespace Corpus.SealedInternalLookupTable;

/// <summary>A read-mostly table of squares, computed a page at a time the first time a page is read.</summary>
[FaultRegion(Pages = 256)]
internal sealed partial class SquaresTable
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page)
    {
        Span<uint> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(page);
        long first = pageIndex * values.Length;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (uint)((first + i) * (first + i));
        }
    }
}

internal static class Squares
{
    public static uint Of(int n)
    {
        using var table = new SquaresTable();
        table.Open();
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        table.Read((long)n * sizeof(uint), bytes);
        return BitConverter.ToUInt32(bytes);
    }
}
