using System;
using System.Collections.Generic;
using System.Threading;
using Uffd;

namespace Corpus.ReaderWriterLockTable;

/// <summary>
/// A table of rows kept in memory and served as pages; updates take the write lock, the provider the read lock. The
/// lock is held for a copy only, and nobody holding it touches the region.
/// </summary>
[FaultRegion(Pages = 4096)]
public sealed partial class RowTable
{
    private const int RowBytes = 64;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<long, byte[]> _rows = new();

    public void Update(long row, ReadOnlySpan<byte> contents)
    {
        _lock.EnterWriteLock();
        try
        {
            _rows[row] = contents[..Math.Min(contents.Length, RowBytes)].ToArray();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        page.Clear();
        long rowsPerPage = page.Length / RowBytes;
        _lock.EnterReadLock();
        try
        {
            for (long i = 0; i < rowsPerPage; i++)
            {
                if (_rows.TryGetValue(pageIndex * rowsPerPage + i, out byte[]? row))
                {
                    row.CopyTo(page.Slice((int)(i * RowBytes), RowBytes));
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
