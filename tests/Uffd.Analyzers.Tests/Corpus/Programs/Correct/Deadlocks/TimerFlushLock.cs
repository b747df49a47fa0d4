using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.TimerFlushLock;

/// <summary>
/// An append log served as pages: written records sit in memory until a timer flushes them to disk. The provider takes
/// the lock only to copy; the timer callback, which runs on a thread-pool thread, is the one that waits for the disk.
/// </summary>
[FaultRegion(Pages = 256, Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
public sealed partial class BufferedLog
{
    private readonly object _gate = new();
    private readonly List<byte[]> _pending = new();
    private readonly ManualResetEvent _flushed = new(true);
    private readonly Timer _flushTimer;
    private readonly string _path;

    public BufferedLog(string path)
    {
        _path = path;
        _flushTimer = new Timer(_ =>
        {
            _flushed.WaitOne();
            _flushed.Reset();
            try
            {
                Flush();
            }
            finally
            {
                _flushed.Set();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Append(byte[] record)
    {
        lock (_gate)
        {
            _pending.Add(record);
        }
    }

    private void Flush()
    {
        byte[][] records;
        lock (_gate)
        {
            records = _pending.ToArray();
            _pending.Clear();
        }

        using FileStream file = new(_path, FileMode.Append, FileAccess.Write);
        foreach (byte[] record in records)
        {
            file.Write(record);
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        page.Clear();
        lock (_gate)
        {
            int offset = 0;
            foreach (byte[] record in _pending)
            {
                if (offset + record.Length > page.Length)
                {
                    break;
                }

                record.CopyTo(page[offset..]);
                offset += record.Length;
            }
        }
    }

    public void StopFlushing() => _flushTimer.Dispose();
}
