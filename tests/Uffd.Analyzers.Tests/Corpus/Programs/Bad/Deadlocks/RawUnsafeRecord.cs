// corpus: expect UFFD0032
using System;
using System.Runtime.CompilerServices;
using Uffd;

namespace Corpus.RawUnsafeRecord;

public readonly struct Order
{
    public readonly long Id;
    public readonly int Quantity;
    public readonly int PriceCents;
}

/// <summary>Fixed-size order records, generated page by page.</summary>
[FaultRegion(Pages = 512)]
public sealed partial class OrderBook
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page)
    {
        var random = new Random((int)pageIndex);
        random.NextBytes(page);
    }

    public unsafe Order At(long index)
    {
        nint record = BaseAddress + (nint)(index * Unsafe.SizeOf<Order>());
        return Unsafe.Read<Order>((void*)record);
    }
}
