// corpus: expect UFFD0030
using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.SelfTouchParentLayer;

/// <summary>
/// Copy-on-write snapshots as a chain of layers of one class: a page the layer did not change is read from its
/// parent, whose provider is this same code on the same kind of handler threads.
/// </summary>
[FaultRegion(Pages = 1024)]
public sealed partial class SnapshotLayer
{
    private readonly SnapshotLayer? _parent;
    private readonly ConcurrentDictionary<long, byte[]> _own = new();

    public SnapshotLayer(SnapshotLayer? parent) => _parent = parent;

    public void Put(long pageIndex, byte[] contents) => _own[pageIndex] = contents;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_own.TryGetValue(pageIndex, out byte[]? contents))
        {
            contents.CopyTo(page);
        }
        else if (_parent is not null)
        {
            _parent.Read(pageIndex * page.Length, page);
        }
    }
}
