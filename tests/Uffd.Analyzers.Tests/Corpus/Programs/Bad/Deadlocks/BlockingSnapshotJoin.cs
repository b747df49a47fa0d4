// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.BlockingSnapshotJoin;

/// <summary>
/// A snapshot thread copies the table to disk; the write handler lets a write proceed only once the running snapshot
/// has finished, so that the snapshot is consistent.
/// </summary>
[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class SnapshottedTable(string snapshotPath)
{
    private volatile Thread? _snapshot;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    public void StartSnapshot()
    {
        Protect(0, 64);
        var thread = new Thread(() =>
        {
            using FileStream file = File.Create(snapshotPath);
            byte[] page = new byte[PageSize];
            for (long i = 0; i < 64; i++)
            {
                Read(i * PageSize, page);
                file.Write(page);
            }
        });
        _snapshot = thread;
        thread.Start();
    }

    [WriteHandler]
    private void OnWrite(long pageIndex) => _snapshot?.Join();
}
