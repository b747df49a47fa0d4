// corpus: expect UFFD0030
using System;
using System.IO.Compression;
using System.IO;
using Uffd;

namespace Corpus.SelfTouchCodecOwner;

/// <summary>A codec object that knows its region, and uses page 0 as a shared dictionary for the others.</summary>
public sealed class PageCodec
{
    private readonly Archive _owner;

    public PageCodec(Archive owner) => _owner = owner;

    public void Decode(byte[] compressed, Span<byte> page)
    {
        ReadOnlySpan<byte> dictionary = _owner.AsReadOnlySpan(0, 256);
        using var input = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
        int read = input.ReadAtLeast(page, page.Length, throwOnEndOfStream: false);
        for (int i = 0; i < read; i++)
        {
            page[i] ^= dictionary[i % dictionary.Length];
        }
    }
}

[FaultRegion(Pages = 512)]
public sealed partial class Archive
{
    private readonly byte[][] _pages;
    private readonly PageCodec _codec;

    public Archive(byte[][] pages)
    {
        _pages = pages;
        _codec = new PageCodec(this);
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex == 0)
        {
            _pages[0].CopyTo(page);
            return;
        }

        _codec.Decode(_pages[pageIndex], page);
    }
}
