using System;
using System.Collections.Generic;
using System.Threading;
using Uffd;

namespace Checkpoint;

/// <summary>
/// The live table: fixed-size rows in a region whose writes to protected pages are reported to <see cref="OnWrite"/>.
/// WriteProtect only, not Missing | WriteProtect: the table is built here in memory, so there is nothing to fault in
/// from anywhere (a provider would only hand out zeros). The engine enables WPUnpopulated for anonymous memory, so a
/// Protect covers every page, even one never written.
/// </summary>
[FaultRegion(Mode = FaultMode.WriteProtect)]
public sealed partial class Table
{
    // One flag per page, preallocated: the write handler runs on a handler thread and must not allocate or lock.
    private readonly int[] dirty;

    public Table(long pages) => dirty = new int[pages];

    /// <summary>Called on a handler thread for the first write to a protected page, before the write continues.</summary>
    [WriteHandler]
    private void OnWrite(long pageIndex) => Volatile.Write(ref dirty[pageIndex], 1);

    /// <summary>The pages written since the last call, in ascending order, and clears them.</summary>
    public List<long> TakeDirtyPages()
    {
        var pages = new List<long>();
        for (long p = 0; p < dirty.Length; p++)
        {
            if (Interlocked.Exchange(ref dirty[p], 0) != 0)
            {
                pages.Add(p);
            }
        }

        return pages;
    }
}

/// <summary>The row layout: a 256-byte row is an id, an update counter and a payload.</summary>
internal static class Row
{
    public const int Size = 256;
    public const int IdOffset = 0;
    public const int CounterOffset = 8;
    public const int PayloadOffset = 16;
    public const int PayloadSize = Size - PayloadOffset;
}
