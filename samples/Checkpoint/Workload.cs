using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Checkpoint;

/// <summary>
/// Deterministic transactions on the table (one seeded <see cref="Random"/>), each updating a row in place through
/// the region's span. It also records which pages it wrote, so the sample can check that the kernel's write
/// tracking saw exactly those.
/// </summary>
internal sealed class Workload(Table table, int rows, Random random)
{
    private int RowCount { get; } = rows;

    /// <summary>The pages written since the last <see cref="TakeTouchedPages"/>.</summary>
    private readonly SortedSet<long> touched = [];

    /// <summary>The transaction batches, one per epoch after the full snapshot.</summary>
    public static IReadOnlyList<(string Name, Action<Workload> Run)> Batches { get; } =
    [
        ("40 updates to random rows", w => w.UpdateRandom(40, w.RowCount)),
        ("300 updates to a hot set of 256 rows", w => w.UpdateRandom(300, 256)),
        ("counter bump on every 64th row", w => { for (int r = 0; r < w.RowCount; r += 64) { w.BumpCounter(r); } }),
        ("no updates", _ => { }),
        ("rewrite of rows 2000-2199", w => { for (int r = 2000; r < 2200; r++) { w.Update(r); } }),
        ("120 updates to random rows", w => w.UpdateRandom(120, w.RowCount)),
    ];

    /// <summary>Writes every row: id = row number, counter 0, a random payload.</summary>
    public void Populate()
    {
        for (int r = 0; r < RowCount; r++)
        {
            Span<byte> row = RowSpan(r);
            BinaryPrimitives.WriteInt64LittleEndian(row[Row.IdOffset..], r);
            BinaryPrimitives.WriteInt64LittleEndian(row[Row.CounterOffset..], 0);
            random.NextBytes(row.Slice(Row.PayloadOffset, Row.PayloadSize));
        }
    }

    public SortedSet<long> TakeTouchedPages()
    {
        var pages = new SortedSet<long>(touched);
        touched.Clear();
        return pages;
    }

    private void UpdateRandom(int count, int firstRows)
    {
        for (int i = 0; i < count; i++)
        {
            Update(random.Next(firstRows));
        }
    }

    /// <summary>A whole-row update in place: bump the counter, new payload.</summary>
    private void Update(int r)
    {
        Span<byte> row = RowSpan(r);
        long counter = BinaryPrimitives.ReadInt64LittleEndian(row[Row.CounterOffset..]);
        BinaryPrimitives.WriteInt64LittleEndian(row[Row.CounterOffset..], counter + 1);
        random.NextBytes(row.Slice(Row.PayloadOffset, Row.PayloadSize));
    }

    /// <summary>An 8-byte update: a small write dirties its whole page all the same.</summary>
    private void BumpCounter(int r)
    {
        Span<byte> counter = RowSpan(r).Slice(Row.CounterOffset, sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(counter, BinaryPrimitives.ReadInt64LittleEndian(counter) + 1);
    }

    /// <summary>
    /// Row <paramref name="r"/> as a span of the table (the span accessor makes the page present first, so the writes
    /// never wait in a fault), noting the page it is on.
    /// </summary>
    private Span<byte> RowSpan(int r)
    {
        long offset = (long)r * Row.Size;
        touched.Add(offset / table.PageSize);
        return table.AsSpan(offset, Row.Size);
    }
}
