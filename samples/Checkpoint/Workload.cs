using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Checkpoint;

/// <summary>
/// Deterministic transactions on the table (one seeded <see cref="Random"/>), each updating a row in place through
/// the region's span. It also records which pages it wrote, so the sample can check that the kernel's write
/// tracking saw exactly those, and writes every row a second time into <see cref="Shadow"/>, an ordinary array the
/// checkpoints are compared with byte for byte.
/// </summary>
internal sealed class Workload(Table table, int rows, Random random)
{
    private int RowCount { get; } = rows;

    /// <summary>What the table must hold: every write made to it, made here too.</summary>
    public byte[] Shadow { get; } = new byte[(long)rows * Row.Size];

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
        Span<byte> row = stackalloc byte[Row.Size];
        for (int r = 0; r < RowCount; r++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(row[Row.IdOffset..], r);
            BinaryPrimitives.WriteInt64LittleEndian(row[Row.CounterOffset..], 0);
            random.NextBytes(row.Slice(Row.PayloadOffset, Row.PayloadSize));
            Store(r, row);
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
    private void Update(int r) => UpdateRow(table, Shadow, r, random, touched);

    /// <summary>
    /// Bumps row <paramref name="r"/>'s counter and gives it a new payload, in the table and in the shadow. Safe from
    /// several threads as long as each updates its own rows (and passes no <paramref name="touched"/> set).
    /// </summary>
    public static void UpdateRow(Table table, byte[] shadow, int r, Random random, SortedSet<long>? touched = null)
    {
        Span<byte> row = stackalloc byte[Row.Size];
        shadow.AsSpan(r * Row.Size, Row.Size).CopyTo(row);
        long counter = BinaryPrimitives.ReadInt64LittleEndian(row[Row.CounterOffset..]);
        BinaryPrimitives.WriteInt64LittleEndian(row[Row.CounterOffset..], counter + 1);
        random.NextBytes(row.Slice(Row.PayloadOffset, Row.PayloadSize));
        touched?.Add((long)r * Row.Size / table.PageSize);
        row.CopyTo(table.AsSpan((long)r * Row.Size, Row.Size));
        row.CopyTo(shadow.AsSpan(r * Row.Size));
    }

    /// <summary>An 8-byte update: a small write dirties its whole page all the same.</summary>
    private void BumpCounter(int r)
    {
        Span<byte> counter = RowSpan(r).Slice(Row.CounterOffset, sizeof(long));
        long next = BinaryPrimitives.ReadInt64LittleEndian(Shadow.AsSpan(r * Row.Size + Row.CounterOffset)) + 1;
        BinaryPrimitives.WriteInt64LittleEndian(counter, next);
        BinaryPrimitives.WriteInt64LittleEndian(Shadow.AsSpan(r * Row.Size + Row.CounterOffset), next);
    }

    /// <summary>Writes a whole row into the table and the shadow.</summary>
    private void Store(int r, ReadOnlySpan<byte> row)
    {
        row.CopyTo(RowSpan(r));
        row.CopyTo(Shadow.AsSpan(r * Row.Size));
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
