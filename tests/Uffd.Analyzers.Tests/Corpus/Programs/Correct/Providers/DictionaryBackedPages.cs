using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.DictionaryBackedPages;

/// <summary>Pages held sparsely in a dictionary; pages nobody stored read as zeros.</summary>
[FaultRegion(Pages = 4096)]
public sealed partial class SparsePages
{
    private readonly Dictionary<long, byte[]> _stored = new();
    private readonly object _gate = new();

    public void Store(long pageIndex, byte[] contents)
    {
        lock (_gate)
        {
            _stored[pageIndex] = contents;
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[]? contents;
        lock (_gate)
        {
            _stored.TryGetValue(pageIndex, out contents);
        }

        if (contents is null)
        {
            page.Clear();
            return;
        }

        contents.AsSpan(0, Math.Min(contents.Length, page.Length)).CopyTo(page);
    }
}

public static class Use
{
    public static byte FirstByteOfPage(long pageIndex)
    {
        using var pages = new SparsePages();
        pages.Open();
        byte[] one = new byte[1];
        pages.Read(pageIndex * pages.PageSize, one);
        return one[0];
    }
}
