// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.ProtectFromByteOffset;

[FaultRegion(Pages = 128, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Snapshot
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine($"write to page {pageIndex}");

    /// <summary>Freezes the page that holds the byte at <paramref name="offset"/>.</summary>
    public void Freeze(long offset) => Protect(offset / 4096, 1);
}
