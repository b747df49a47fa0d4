using System;
using System.Collections.Generic;
using System.Text;
using Uffd;

namespace Corpus.JournalLeases;

/// <summary>
/// A journal whose rows are written through span leases; Protect after a batch turns the next write to each page
/// into a write-handler call, which records the page as dirty.
/// </summary>
[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Journal
{
    private const int RowSize = 128;
    private readonly HashSet<long> _dirty = new();
    private readonly object _gate = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
        lock (_gate)
        {
            _dirty.Add(pageIndex);
        }
    }

    public void Append(int row, string text)
    {
        using SpanLease lease = LeaseSpan((long)row * RowSize, RowSize);
        lease.Span.Clear();
        Encoding.UTF8.GetBytes(text.AsSpan(0, Math.Min(text.Length, RowSize / 4)), lease.Span);
    }

    public bool TryStamp(int row, byte marker)
    {
        SpanLease lease = LeaseSpan((long)row * RowSize, 1);
        try
        {
            if (lease.Span[0] == marker)
            {
                return false;
            }

            lease.Span[0] = marker;
            return true;
        }
        finally
        {
            lease.Dispose();
        }
    }

    /// <summary>The caller owns the lease it gets back.</summary>
    public SpanLease OpenRow(int row) => LeaseSpan((long)row * RowSize, RowSize);

    public long[] Checkpoint()
    {
        long[] pages;
        lock (_gate)
        {
            pages = new long[_dirty.Count];
            _dirty.CopyTo(pages);
            _dirty.Clear();
        }

        Protect(0, PageCount);
        return pages;
    }
}

public static class Program
{
    public static int Main()
    {
        using var journal = new Journal();
        journal.Open();
        journal.Append(0, "opened");
        using (SpanLease row = journal.OpenRow(1))
        {
            row.Span.Fill((byte)'-');
        }

        journal.TryStamp(2, (byte)'#');
        return journal.Checkpoint().Length;
    }
}
