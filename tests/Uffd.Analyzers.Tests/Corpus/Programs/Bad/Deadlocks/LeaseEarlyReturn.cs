// corpus: expect UFFD0033
using System;
using System.Text;
using Uffd;

namespace Corpus.LeaseEarlyReturn;

[FaultRegion(Pages = 16, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Settings
{
    private const int SlotSize = 64;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
    }

    public bool TrySet(int slot, string value)
    {
        SpanLease lease = LeaseSpan((long)slot * SlotSize, SlotSize);
        if (Encoding.UTF8.GetByteCount(value) > SlotSize)
        {
            return false;                     // the lease stays open: the next Protect times out
        }

        lease.Span.Clear();
        Encoding.UTF8.GetBytes(value, lease.Span);
        lease.Dispose();
        return true;
    }
}
