// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.LeaseOneRowPage;

[FaultRegion(Pages = 64, Mode = FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Ledger
{
    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine($"page {pageIndex} written");

    public void Stamp(long page, byte value)
    {
        using SpanLease lease = LeaseSpan(page * 4096, 16);
        lease.Span.Fill(value);
    }
}
