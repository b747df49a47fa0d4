// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.UnprotectShiftedOffset;

[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Pages
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine(pageIndex);

    public void Release(long offset) => Unprotect(offset >> 12, 1);
}
