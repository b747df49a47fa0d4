using System;
using System.Collections.Generic;
using System.IO;
using Uffd;

namespace Corpus.DirtyPageCheckpoint;

/// <summary>A table whose writes are tracked per epoch, so a checkpoint saves only the pages written since the last one.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 1024)]
public sealed partial class TrackedTable
{
    private readonly object _gate = new();
    private HashSet<long> _dirty = new();

    [PageProvider]
    private PageFill Fill(long pageIndex, Span<byte> page) => PageFill.Zero;

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
        lock (_gate)
        {
            _dirty.Add(pageIndex);
        }
    }

    /// <summary>Starts a new epoch and returns the pages written in the one that ends.</summary>
    public long[] BeginEpoch()
    {
        HashSet<long> written;
        lock (_gate)
        {
            written = _dirty;
            _dirty = new HashSet<long>();
        }

        Protect(0, PageCount);
        long[] pages = new long[written.Count];
        written.CopyTo(pages);
        Array.Sort(pages);
        return pages;
    }

    public void SaveTo(Stream output, IEnumerable<long> pages)
    {
        byte[] page = new byte[PageSize];
        using var writer = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true);
        foreach (long index in pages)
        {
            Read(index * PageSize, page);
            writer.Write(index);
            writer.Write(page);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        using var table = new TrackedTable();
        table.Open();
        table.BeginEpoch();
        table.Write(3L * table.PageSize + 16, new byte[] { 1, 2, 3 });
        using var checkpoint = new MemoryStream(capacity: 4096);
        table.SaveTo(checkpoint, table.BeginEpoch());
        Console.WriteLine($"checkpoint of {checkpoint.Length} bytes");
    }
}
