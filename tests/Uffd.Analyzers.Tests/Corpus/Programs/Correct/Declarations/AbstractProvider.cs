using System;
using Uffd;

namespace Corpus.AbstractProvider;

/// <summary>The region's provider is abstract: each format decodes its own pages.</summary>
[FaultRegion(HandlerThreads = 1)]
public abstract partial class DecodedImage
{
    [PageProvider]
    protected abstract PageFill Decode(PageFaultContext context, Span<byte> page);
}

public sealed class RawImage : DecodedImage
{
    private readonly byte[] _pixels;

    public RawImage(byte[] pixels) => _pixels = pixels;

    protected override PageFill Decode(PageFaultContext context, Span<byte> page)
    {
        long start = context.Offset;
        if (start >= _pixels.Length)
        {
            return PageFill.Zero;
        }

        _pixels.AsSpan((int)start, (int)Math.Min(page.Length, _pixels.Length - start)).CopyTo(page);
        return PageFill.Filled;
    }
}
