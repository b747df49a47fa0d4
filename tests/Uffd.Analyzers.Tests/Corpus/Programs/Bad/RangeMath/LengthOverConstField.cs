// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.LengthOverConstField;

[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Table
{
    private const int BytesPerPage = 4096;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine($"row page {pageIndex} changed");

    public void ProtectEvenPages()
    {
        for (long page = 0; page < Length / BytesPerPage; page += 2)
        {
            Protect(page, 1);
        }
    }
}
