// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.DeconstructedPageRange;

[FaultRegion(Pages = 64, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Blocks
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine(pageIndex);

    public void ProtectBytes(long offset, long length)
    {
        var (first, count) = (offset / 4096, (length + 4095) / 4096);
        Protect(first, count);
    }
}
