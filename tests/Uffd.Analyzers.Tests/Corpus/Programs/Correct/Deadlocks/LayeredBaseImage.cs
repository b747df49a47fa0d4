using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.LayeredBaseImage;

/// <summary>A read-only base image of generated pages.</summary>
[FaultRegion(Pages = 512)]
public sealed partial class BaseImage
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex * 7));
}

/// <summary>
/// An overlay over the base image: pages the overlay changed come from its own dictionary, the others are copied from
/// the base image, a different region class served by its own handler threads.
/// </summary>
[FaultRegion(Pages = 512)]
public sealed partial class Overlay
{
    private readonly BaseImage _base;
    private readonly ConcurrentDictionary<long, byte[]> _changed = new();

    public Overlay(BaseImage baseImage) => _base = baseImage;

    public void Change(long pageIndex, byte[] contents) => _changed[pageIndex] = contents;

    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_changed.TryGetValue(pageIndex, out byte[]? contents))
        {
            contents.AsSpan(0, page.Length).CopyTo(page);
            return;
        }

        _base.Read(pageIndex * page.Length, page);
    }
}

public static class Program
{
    public static int Main()
    {
        using var image = new BaseImage();
        image.Open();
        using var overlay = new Overlay(image);
        overlay.Change(3, new byte[image.PageSize]);
        overlay.Open();
        return overlay.AsReadOnlySpan(3L * overlay.PageSize, 1)[0] + overlay.AsReadOnlySpan(4L * overlay.PageSize, 1)[0];
    }
}
