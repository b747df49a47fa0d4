// corpus: expect UFFD0033
using System;
using Uffd;

namespace Corpus.LeaseInPlaceFlag;

[FaultRegion(Pages = 8, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class Flags
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex)
    {
    }

    public void Raise(int flag) => LeaseSpan(flag, 1).Span[0] = 1;

    public void Snapshot() => Protect(0, PageCount);
}
