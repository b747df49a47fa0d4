using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.PageCacheLru;

/// <summary>Pages computed by an expensive function, the last 4096 of them kept in an LRU cache.</summary>
[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Computed
{
    private const int Capacity = 4096;
    private readonly Dictionary<long, LinkedListNode<(long Page, byte[] Bytes)>> _index = new(Capacity);
    private readonly LinkedList<(long Page, byte[] Bytes)> _order = new();
    private readonly object _gate = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes;
        lock (_gate)
        {
            if (_index.TryGetValue(pageIndex, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                bytes = node.Value.Bytes;
            }
            else
            {
                bytes = Compute(pageIndex, page.Length);
                _index[pageIndex] = _order.AddFirst((pageIndex, bytes));
                if (_index.Count > Capacity)
                {
                    _index.Remove(_order.Last!.Value.Page);
                    _order.RemoveLast();
                }
            }
        }

        bytes.CopyTo(page);
    }

    private static byte[] Compute(long pageIndex, int length)
    {
        var bytes = new byte[length];
        var random = new Random(unchecked((int)pageIndex ^ 4096));
        random.NextBytes(bytes);
        return bytes;
    }

    public static Computed OpenFor(long bytes)
    {
        var region = new Computed();
        region.Open(Math.Max(1, bytes / Environment.SystemPageSize));
        return region;
    }
}
