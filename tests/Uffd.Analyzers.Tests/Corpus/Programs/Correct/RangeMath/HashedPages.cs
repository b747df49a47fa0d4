using System;
using Uffd;

namespace Corpus.HashedPages;

/// <summary>Deterministic test data: each page is filled from a 4096-entry table picked by a hash of its index.</summary>
[FaultRegion(Pages = 1024)]
public sealed partial class TestData
{
    private const int TableSize = 4096;
    private const uint Seed = 4096;
    private static readonly byte[] s_table = BuildTable();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        uint hash = unchecked((uint)pageIndex * 2654435761u ^ Seed);
        int bucket = (int)(hash % TableSize);
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = s_table[(bucket + i) & (TableSize - 1)];
        }
    }

    public long Bucket(long pageIndex) => (pageIndex ^ 0x5bd1e995) % 4096;

    private static byte[] BuildTable()
    {
        var table = new byte[TableSize];
        new Random(4096).NextBytes(table);
        return table;
    }
}
