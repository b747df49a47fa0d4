// corpus: expect UFFD0030 UFFD0032
using System;
using Uffd;

namespace Corpus.SelfTouchRawPrevious;

/// <summary>A run-length expansion that peeks at the last byte of the previous page through a raw pointer.</summary>
[FaultRegion(Pages = 128)]
public sealed partial class RunLengthPages
{
    private readonly byte[] _runs;

    public RunLengthPages(byte[] runs) => _runs = runs;

    [PageProvider]
    private unsafe void Fill(long pageIndex, Span<byte> page)
    {
        byte last = 0;
        if (pageIndex > 0)
        {
            last = *(byte*)(BaseAddress + (nint)(pageIndex * PageSize - 1));
        }

        for (int i = 0; i < page.Length; i++)
        {
            last = i < _runs.Length ? _runs[i] : last;
            page[i] = last;
        }
    }
}
