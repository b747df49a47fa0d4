using System;
using System.Collections.Generic;
using System.IO;
using Uffd;

namespace Corpus.CheckpointBitmap;

/// <summary>Asynchronous write tracking: a checkpoint copies the pages written since the last one.</summary>
[FaultRegion(Pages = 8192, Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Heap;

public sealed class Checkpointer(Heap heap, Stream log)
{
    private const int MaxRangesPerBatch = 4096;
    private readonly PageRange[] _ranges = new PageRange[MaxRangesPerBatch];
    private readonly ulong[] _written = new ulong[(8192 + 63) / 64];

    public int Checkpoint()
    {
        int pages = 0;
        int count;
        byte[] page = new byte[heap.PageSize];
        while ((count = heap.CollectWrittenPages(_ranges)) > 0)
        {
            foreach (PageRange range in _ranges.AsSpan(0, count))
            {
                for (long p = range.FirstPage; p < range.EndPage; p++)
                {
                    _written[p >> 6] |= 1UL << (int)(p & 63);
                    heap.Read(p * heap.PageSize, page);
                    log.Write(BitConverter.GetBytes(p));
                    log.Write(page);
                    pages++;
                }
            }

            if (count < MaxRangesPerBatch)
            {
                break;
            }
        }

        return pages;
    }

    public IEnumerable<long> EverWritten()
    {
        for (long p = 0; p < _written.Length * 64L; p++)
        {
            if ((_written[p >> 6] & (1UL << (int)(p & 63))) != 0)
            {
                yield return p;
            }
        }
    }
}
