using System;
using System.Collections.Generic;
using System.IO;
using Uffd;

namespace Corpus.AsyncDirtyCheckpoint;

/// <summary>An in-memory database heap that checkpoints only the pages written since the last checkpoint.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 1024)]
public sealed partial class Heap
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    public int Checkpoint(Stream destination)
    {
        IReadOnlyList<PageRange> written = CollectWrittenPages();
        byte[] buffer = new byte[PageSize];
        foreach (PageRange range in written)
        {
            for (long page = range.FirstPage; page < range.EndPage; page++)
            {
                Read(page * PageSize, buffer);
                destination.Write(buffer);
            }
        }

        return written.Count;
    }
}
