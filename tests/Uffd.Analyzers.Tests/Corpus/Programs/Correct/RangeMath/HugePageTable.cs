using System;
using Uffd;

namespace Corpus.HugePageTable;

/// <summary>A table of 64-byte rows on huge pages: every offset comes from the region's own page size.</summary>
[FaultRegion(Pages = 16, Memory = RegionMemory.HugePages)]
public sealed partial class Table
{
    public const int RowSize = 64;

    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        long firstRow = context.Offset / RowSize;
        for (int row = 0; row < page.Length / RowSize; row++)
        {
            BitConverter.TryWriteBytes(page.Slice(row * RowSize), firstRow + row);
        }
    }

    public long RowsPerPage => PageSize / RowSize;

    public long MaxPages => UffdLimits.MaxRegionPagesOf(PageSize);

    public long ReadRowId(long row)
    {
        Span<byte> bytes = stackalloc byte[8];
        Read(row * RowSize, bytes);
        return BitConverter.ToInt64(bytes);
    }

    public void WarmPageOf(long row)
    {
        long page = row / RowsPerPage;
        Prefault(page * PageSize, PageSize);
    }
}
