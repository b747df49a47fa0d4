// corpus: expect UFFD0033
using System;
using Uffd;

namespace Corpus.LeaseForgottenStamp;

[FaultRegion(Pages = 32, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Ledger
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine($"ledger page {pageIndex} changed");

    public void Stamp(long entry, long timestamp)
    {
        var lease = LeaseSpan(entry * 16, 16);
        BitConverter.TryWriteBytes(lease.Span, timestamp);
        BitConverter.TryWriteBytes(lease.Span[8..], entry);
    }

    public void Seal() => Protect(0, PageCount);
}
