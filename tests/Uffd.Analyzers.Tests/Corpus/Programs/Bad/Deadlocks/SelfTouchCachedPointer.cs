// corpus: expect UFFD0030 UFFD0032
using System;
using Uffd;

namespace Corpus.SelfTouchCachedPointer;

/// <summary>A prefix-sum table that caches its base pointer once open, for speed.</summary>
[FaultRegion(Pages = 64)]
public sealed unsafe partial class PrefixSums
{
    private byte* _table;

    public void Start()
    {
        Open();
        _table = (byte*)BaseAddress;
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte carry = pageIndex == 0 ? (byte)0 : _table[pageIndex * page.Length - 1];
        for (int i = 0; i < page.Length; i++)
        {
            carry += (byte)(i & 3);
            page[i] = carry;
        }
    }
}
