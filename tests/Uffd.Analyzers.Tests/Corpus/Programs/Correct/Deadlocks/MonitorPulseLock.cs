using System;
using System.Collections.Generic;
using System.Threading;
using Uffd;

namespace Corpus.MonitorPulseLock;

/// <summary>
/// Records which pages were faulted in, for a warm-up list written at shutdown. The provider only pulses the monitor;
/// the writer thread is the one that waits on it.
/// </summary>
[FaultRegion(Pages = 1024)]
public sealed partial class WarmupRecorder
{
    private readonly object _gate = new();
    private readonly Queue<long> _faulted = new();
    private bool _closed;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        page.Fill((byte)(pageIndex * 31));
        lock (_gate)
        {
            _faulted.Enqueue(pageIndex);
            Monitor.Pulse(_gate);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Runs on the recorder's own thread.</summary>
    public IEnumerable<long> FaultedPages()
    {
        while (true)
        {
            long next;
            lock (_gate)
            {
                while (_faulted.Count == 0 && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_faulted.Count == 0)
                {
                    yield break;
                }

                next = _faulted.Dequeue();
            }

            yield return next;
        }
    }
}
