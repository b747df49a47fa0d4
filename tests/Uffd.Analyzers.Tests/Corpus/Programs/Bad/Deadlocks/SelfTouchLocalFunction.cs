// corpus: expect UFFD0030
using System;
using Uffd;

namespace Corpus.SelfTouchLocalFunction;

/// <summary>A summed-area table: each page adds the page before it, read by a small local function.</summary>
[FaultRegion(Pages = 64)]
public sealed partial class SummedArea
{
    private readonly byte[] _values;

    public SummedArea(byte[] values) => _values = values;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)(_values[(pageIndex * page.Length + i) % _values.Length] + Above(i));
        }

        byte Above(int column) => pageIndex == 0 ? (byte)0 : AsReadOnlySpan((pageIndex - 1) * PageSize + column, 1)[0];
    }
}
