// corpus: expect UFFD0030 UFFD0032
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.SelfTouchMarshalHeader;

/// <summary>A paged log: page 0 holds the record count, and every other page is generated from that count.</summary>
[FaultRegion(Pages = 128)]
public sealed partial class PagedLog
{
    private readonly int _records;

    public PagedLog(int records) => _records = records;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex == 0)
        {
            BitConverter.TryWriteBytes(page, _records);
            return;
        }

        int count = Marshal.ReadInt32(BaseAddress);
        page.Fill((byte)(pageIndex < count ? 1 : 0));
    }
}
