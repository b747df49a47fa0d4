// corpus: expect UFFD0030
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.SelfTouchChecksumHelper;

/// <summary>Pages of sensor frames; the provider appends a checksum of the previous frame as a chain link.</summary>
[FaultRegion(Pages = 256)]
public sealed partial class FrameChain
{
    private readonly IReadOnlyList<byte[]> _frames;

    public FrameChain(IReadOnlyList<byte[]> frames) => _frames = frames;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] frame = _frames[(int)(pageIndex % _frames.Count)];
        frame.AsSpan(0, Math.Min(frame.Length, page.Length - 4)).CopyTo(page);
        uint link = pageIndex == 0 ? 0 : ChecksumOfPage(pageIndex - 1);
        BitConverter.TryWriteBytes(page[^4..], link);
    }

    private uint ChecksumOfPage(long pageIndex)
    {
        byte[] copy = new byte[PageSize];
        Read(pageIndex * PageSize, copy);
        uint sum = 0;
        foreach (byte value in copy)
        {
            sum = (sum << 5) + sum + value;
        }

        return sum;
    }
}
