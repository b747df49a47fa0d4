// corpus: expect UFFD0031
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingWriteHandlerWaitAll;

/// <summary>
/// Before a page may be written, the write handler makes sure the previous snapshot writes have reached the disk.
/// </summary>
[FaultRegion(Pages = 256, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class SnapshotBuffer(string directory)
{
    private readonly List<Task> _pendingSaves = new();
    private readonly object _gate = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    public void Save(long pageIndex, byte[] contents)
    {
        lock (_gate)
        {
            _pendingSaves.Add(File.WriteAllBytesAsync(Path.Combine(directory, $"{pageIndex}.snap"), contents));
        }
    }

    [WriteHandler]
    private void BeforeWrite(long pageIndex)
    {
        Task[] pending;
        lock (_gate)
        {
            pending = _pendingSaves.ToArray();
            _pendingSaves.Clear();
        }

        Task.WaitAll(pending);
    }
}
