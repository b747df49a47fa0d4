// corpus: expect UFFD0033
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.LeaseLoopContinue;

[FaultRegion(Pages = 256, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Inventory
{
    private const int SlotSize = 16;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
    }

    public int Restock(IReadOnlyList<(int Slot, int Count)> deliveries)
    {
        int updated = 0;
        foreach ((int slot, int count) in deliveries)
        {
            SpanLease lease = LeaseSpan((long)slot * SlotSize, SlotSize);
            if (count <= 0)
            {
                continue;                     // skips the Dispose below: this lease stays open
            }

            BitConverter.TryWriteBytes(lease.Span, BitConverter.ToInt32(lease.Span) + count);
            lease.Dispose();
            updated++;
        }

        Protect(0, PageCount);
        return updated;
    }
}
