using System;
using Uffd;

namespace Corpus.AbstractRegionTemplate;

/// <summary>A template region: subclasses say what a page holds, the base class serves the faults.</summary>
[FaultRegion(Pages = 32)]
public abstract partial class ProceduralRegion
{
    protected abstract byte ValueAt(long pageIndex, int offset);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = ValueAt(pageIndex, i);
        }
    }
}

public sealed class Checkerboard : ProceduralRegion
{
    protected override byte ValueAt(long pageIndex, int offset) => (byte)(((pageIndex + offset / 64) & 1) * 0xff);
}

public static class Demo
{
    public static byte Corner()
    {
        using var board = new Checkerboard();
        board.Open();
        return board.AsReadOnlySpan(0, 1)[0];
    }
}
