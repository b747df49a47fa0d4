// corpus: expect UFFD0033
using System;
using Uffd;

namespace Corpus.LeaseHandedToHelper;

[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Canvas
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill(0xFF);

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
    }

    public void DrawRow(int row, byte color) => Paint(LeaseSpan((long)row * 1024, 1024), color);

    private static void Paint(SpanLease lease, byte color) => lease.Span.Fill(color);
}
