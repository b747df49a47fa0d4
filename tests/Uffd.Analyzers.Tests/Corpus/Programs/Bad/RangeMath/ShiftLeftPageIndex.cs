// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.ShiftLeftPageIndex;

[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Ledger
{
    private readonly byte[] _shadow = new byte[64 * 4096];

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
        long offset = pageIndex << 12;
        Console.WriteLine($"page {pageIndex} (bytes {offset}..) written");
    }

    public void Restore(long page) => Write(page << 12, _shadow.AsSpan((int)(page * 4096), 4096));
}
