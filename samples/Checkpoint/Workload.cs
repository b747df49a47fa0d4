using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Checkpoint;

/// <summary>
/// Deterministic transactions on the table (one seeded <see cref="Random"/>), each through the region's GC-safe
/// Read/Write. It also records which pages it wrote, so the sample can check that the write-protect faults saw
/// exactly those.
/// </summary>
internal sealed class Workload(Table table, int rows, Random random)
{
    private readonly byte[] row = new byte[Row.Size];

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
            BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(Row.IdOffset), r);
            BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(Row.CounterOffset), 0);
            random.NextBytes(row.AsSpan(Row.PayloadOffset, Row.PayloadSize));
            Write((long)r * Row.Size, row);
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

    /// <summary>A whole-row update: read it, bump the counter, new payload, write it back.</summary>
    private void Update(int r)
    {
        long offset = (long)r * Row.Size;
        table.Read(offset, row);
        long counter = BinaryPrimitives.ReadInt64LittleEndian(row.AsSpan(Row.CounterOffset));
        BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(Row.CounterOffset), counter + 1);
        random.NextBytes(row.AsSpan(Row.PayloadOffset, Row.PayloadSize));
        Write(offset, row);
    }

    /// <summary>An 8-byte update: a small write dirties its whole page all the same.</summary>
    private void BumpCounter(int r)
    {
        long offset = (long)r * Row.Size + Row.CounterOffset;
        Span<byte> counter = stackalloc byte[sizeof(long)];
        table.Read(offset, counter);
        BinaryPrimitives.WriteInt64LittleEndian(counter, BinaryPrimitives.ReadInt64LittleEndian(counter) + 1);
        Write(offset, counter);
    }

    /// <summary>Writes through the region (a write to a protected page faults in native code, GC-safe).</summary>
    private void Write(long offset, ReadOnlySpan<byte> bytes)
    {
        table.Write(offset, bytes);
        for (long p = offset / table.PageSize; p <= (offset + bytes.Length - 1) / table.PageSize; p++)
        {
            touched.Add(p);
        }
    }
}
