// corpus: expect UFFD0031
using System;
using System.Threading;
using Uffd;

namespace Corpus.BlockingSpinUntilReady;

/// <summary>The palette is computed by the UI thread; the provider spins until it is published.</summary>
[FaultRegion(Pages = 256)]
public sealed partial class PalettedImage
{
    private byte[]? _palette;

    public void Publish(byte[] palette) => Volatile.Write(ref _palette, palette);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        SpinWait.SpinUntil(() => Volatile.Read(ref _palette) is not null);
        byte[] palette = Volatile.Read(ref _palette)!;
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = palette[(int)((pageIndex * 7 + i) % palette.Length)];
        }
    }
}
