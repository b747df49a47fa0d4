// corpus: expect UFFD0030
using System;
using System.IO;
using Uffd;

namespace Corpus.SelfTouchStreamField;

/// <summary>A region that keeps one stream over itself, and whose provider copies the page before from it.</summary>
[FaultRegion(Pages = 64)]
public sealed partial class Echo
{
    private Stream? _self;

    public void Start()
    {
        Open();
        _self = AsStream();
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex == 0 || _self is null)
        {
            page.Fill(1);
            return;
        }

        _self.Position = (pageIndex - 1) * page.Length;
        _self.ReadExactly(page);
    }
}
