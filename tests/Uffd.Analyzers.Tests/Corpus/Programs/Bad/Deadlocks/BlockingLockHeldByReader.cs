// corpus: expect UFFD0031
// corpus: known-miss a lock is a wait only when its holder can fault on the region; the rule cannot know who holds it, and most providers lock their own state safely
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.BlockingLockHeldByReader;

/// <summary>
/// The snapshot method holds the table lock while it copies the region; a page it reaches that is not filled yet
/// faults, and the provider serving that fault waits for the same lock: neither ever proceeds.
/// </summary>
[FaultRegion(Pages = 256)]
public sealed partial class LockedTable
{
    private readonly object _tableLock = new();
    private readonly Dictionary<long, byte> _fill = new();

    public void Set(long pageIndex, byte value)
    {
        lock (_tableLock)
        {
            _fill[pageIndex] = value;
        }
    }

    public byte[] Snapshot()
    {
        lock (_tableLock)
        {
            return AsReadOnlySpan(0, (int)Math.Min(Length, 16 * PageSize)).ToArray();
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        lock (_tableLock)
        {
            page.Fill(_fill.TryGetValue(pageIndex, out byte value) ? value : (byte)0);
        }
    }
}
