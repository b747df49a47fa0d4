using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.CheckpointFlushWait;

/// <summary>
/// A write-tracked working set that is checkpointed to disk: the write handler only remembers which pages changed;
/// Checkpoint, called by the application (not a handler thread), saves them concurrently and waits for all saves.
/// </summary>
[FaultRegion(Pages = 512, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class WorkingSet(string directory)
{
    private readonly HashSet<long> _dirty = new();
    private readonly object _gate = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        string path = Path.Combine(directory, $"{pageIndex}.bin");
        if (File.Exists(path))
        {
            byte[] saved = File.ReadAllBytes(path);
            saved.AsSpan(0, Math.Min(saved.Length, page.Length)).CopyTo(page);
        }
        else
        {
            page.Clear();
        }
    }

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
        lock (_gate)
        {
            _dirty.Add(pageIndex);
        }
    }

    public void Checkpoint()
    {
        long[] pages;
        lock (_gate)
        {
            pages = new long[_dirty.Count];
            _dirty.CopyTo(pages);
            _dirty.Clear();
        }

        var saves = new List<Task>();
        foreach (long pageIndex in pages)
        {
            byte[] copy = new byte[PageSize];
            Read(pageIndex * PageSize, copy);
            saves.Add(File.WriteAllBytesAsync(Path.Combine(directory, $"{pageIndex}.bin"), copy));
            Protect(pageIndex, 1);
        }

        Task.WaitAll(saves.ToArray());
    }
}
