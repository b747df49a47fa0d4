using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.LeaseBatchWriter;

/// <summary>A write-tracked table updated in batches; every lease ends before the next Protect.</summary>
[FaultRegion(Pages = 128, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Table
{
    private const int CellSize = 32;
    private long _writes;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(in PageFaultContext context) => _writes++;

    public long Writes => _writes;

    public void Apply(IEnumerable<(int Cell, byte Value)> batch)
    {
        foreach ((int cell, byte value) in batch)
        {
            using (SpanLease lease = LeaseSpan((long)cell * CellSize, CellSize))
            {
                lease.Span.Fill(value);
            }
        }

        Protect(0, PageCount);
    }

    public void CopyCell(int from, int to)
    {
        Span<byte> value = stackalloc byte[CellSize];
        Read((long)from * CellSize, value);
        SpanLease target = default;
        try
        {
            target = LeaseSpan((long)to * CellSize, CellSize);
            value.CopyTo(target.Span);
        }
        finally
        {
            target.Dispose();
        }
    }

    public bool TryClear(int cell)
    {
        SpanLease lease = LeaseSpan((long)cell * CellSize, CellSize);
        if (lease.Span[0] == 0)
        {
            lease.Dispose();
            return false;
        }

        lease.Span.Clear();
        lease.Dispose();
        return true;
    }
}
