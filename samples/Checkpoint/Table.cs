using System;
using System.Collections.Generic;
using Uffd;

namespace Checkpoint;

/// <summary>
/// The live table: fixed-size rows in a region whose writes the kernel records (asynchronous write tracking):
/// writers update rows in place through spans at memory speed, no handler runs per write, and
/// <see cref="TakeDirtyPages"/> collects the pages written since the last call and re-arms them in the same walk,
/// so a write that lands while a checkpoint is being taken is reported by the next one, never lost.
/// WriteProtect only, not Missing | WriteProtect: the table is built here in memory, so there is nothing to fault in
/// from anywhere (a provider would only hand out zeros).
/// </summary>
// UserModeOnly = Allow: every access goes through the accessors, which make pages present first, so a user-mode-only
// uffd (all an unprivileged user gets by default) serves this sample as well; IsUserModeOnly tells which one it got.
[FaultRegion(Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Table
{
    /// <summary>The pages written since the last call (or since Open), in ascending order.</summary>
    public List<long> TakeDirtyPages()
    {
        var pages = new List<long>();
        foreach (PageRange run in CollectWrittenPages())
        {
            for (long p = run.FirstPage; p < run.EndPage; p++)
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
