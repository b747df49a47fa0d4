// corpus: expect UFFD0033
using System;
using Uffd;

namespace Corpus.ForgottenLease;

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 8)]
public sealed partial class Notes
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void Written(long pageIndex) => Console.WriteLine($"page {pageIndex} written");

    public void Stamp(long pageIndex, byte value)
    {
        SpanLease lease = LeaseSpan(pageIndex * PageSize, PageSize);
        lease.Span[0] = value;
    }
}
