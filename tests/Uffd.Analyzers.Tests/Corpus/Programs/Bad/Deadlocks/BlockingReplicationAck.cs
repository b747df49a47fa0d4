// corpus: expect UFFD0031
using System;
using System.Collections.Concurrent;
using System.Threading;
using Uffd;

namespace Corpus.BlockingReplicationAck;

/// <summary>
/// Before a page may change, the write handler hands its index to the replication thread and waits for the
/// acknowledgement that the old contents were shipped.
/// </summary>
[FaultRegion(Pages = 1024, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class ReplicatedMemory
{
    private readonly ConcurrentQueue<long> _toShip = new();
    private readonly AutoResetEvent _shipRequested = new(false);
    private readonly AutoResetEvent _shipped = new(false);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void BeforeWrite(long pageIndex)
    {
        _toShip.Enqueue(pageIndex);
        _shipRequested.Set();
        _shipped.WaitOne();
    }

    /// <summary>The replication thread's loop.</summary>
    public void ShipForever(Action<long> ship)
    {
        while (true)
        {
            _shipRequested.WaitOne();
            while (_toShip.TryDequeue(out long page))
            {
                ship(page);
            }

            _shipped.Set();
        }
    }
}
