// corpus: expect UFFD0032
using System;
using System.IO;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.RawMarshalHeader;

/// <summary>A packed archive whose first page holds a header: magic and entry count.</summary>
[FaultRegion(Pages = 256)]
public sealed partial class Archive
{
    private readonly byte[] _contents;

    public Archive(byte[] contents) => _contents = contents;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long start = pageIndex * page.Length;
        if (start < _contents.Length)
        {
            _contents.AsSpan((int)start, (int)Math.Min(page.Length, _contents.Length - start)).CopyTo(page);
        }
    }

    public int EntryCount()
    {
        int magic = Marshal.ReadInt32(BaseAddress);
        if (magic != 0x41524331)
        {
            throw new InvalidDataException("not an archive");
        }

        return Marshal.ReadInt32(BaseAddress, 4);
    }
}
