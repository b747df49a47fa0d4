using System;
using System.Collections.Generic;
using System.Threading;
using Uffd;

namespace Corpus.HedgedReadsLock;

/// <summary>A replica of the page store; either may be slow.</summary>
public interface IReplica
{
    bool TryRead(long pageIndex, Span<byte> page);
}

/// <summary>
/// Reads each page from the first healthy replica; replica health is updated by a monitoring thread under a lock
/// that the provider takes only to read the current order. Monitor.TryEnter with a zero timeout never waits.
/// </summary>
[FaultRegion(Pages = 4096, OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class ReplicatedPages(IReadOnlyList<IReplica> replicas)
{
    private readonly object _healthLock = new();
    private int[] _order = [0, 1];

    public void Reorder(int[] order)
    {
        lock (_healthLock)
        {
            _order = order;
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int[] order = _order;
        if (Monitor.TryEnter(_healthLock, 0))
        {
            try
            {
                order = _order;
            }
            finally
            {
                Monitor.Exit(_healthLock);
            }
        }

        foreach (int replica in order)
        {
            if (replica < replicas.Count && replicas[replica].TryRead(pageIndex, page))
            {
                return;
            }
        }

        throw new InvalidOperationException($"no replica holds page {pageIndex}");
    }
}
