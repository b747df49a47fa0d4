// corpus: expect UFFD0032
using System;
using Uffd;

namespace Corpus.CachedBasePointer;

[FaultRegion(Pages = 64)]
public sealed unsafe partial class Lookup
{
    private byte* _base;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * 3));

    public void Start()
    {
        Open();
        _base = (byte*)BaseAddress;
    }

    public byte this[long offset] => _base[offset];
}
