using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.ProducerQueueWait;

/// <summary>
/// Journals every page the application writes. The write handler only queues the page index (an unbounded
/// BlockingCollection never blocks Add); a journal thread of its own takes from the queue, waiting as long as it likes.
/// </summary>
[FaultRegion(Pages = 256, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class JournaledPages
{
    private readonly BlockingCollection<long> _written = new();
    private Thread? _journal;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
        if (!_written.IsAddingCompleted)
        {
            _written.Add(pageIndex);
        }
    }

    public void StartJournal(TextWriter log)
    {
        _journal = new Thread(() =>
        {
            foreach (long page in _written.GetConsumingEnumerable())
            {
                log.WriteLine($"page {page} written at {DateTime.UtcNow:O}");
            }
        })
        { IsBackground = true, Name = "journal" };
        _journal.Start();
    }

    public void StopJournal()
    {
        _written.CompleteAdding();
        _journal?.Join();
    }

    public bool TryNextWritten(out long pageIndex) => _written.TryTake(out pageIndex);
}
