// corpus: expect UFFD0031
using System;
using System.Threading.Channels;
using Uffd;

namespace Corpus.BlockingChannelRead;

/// <summary>Frames from a capture device arrive on a channel; each fault consumes the next frame.</summary>
[FaultRegion(Pages = 2048)]
public sealed partial class CaptureBuffer
{
    private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(8);

    public ChannelWriter<byte[]> Frames => _frames.Writer;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] frame = _frames.Reader.ReadAsync().AsTask().Result;
        frame.AsSpan(0, Math.Min(frame.Length, page.Length)).CopyTo(page);
    }
}
