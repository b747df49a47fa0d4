// corpus: expect UFFD0007
using System;
using Uffd;

namespace Corpus.RemoteRegionTracksWrites;

// Dirty tracking of the guest was expected from the handler process, which cannot write-protect another process's pages.
[FaultRegion(Remote = true, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
public sealed partial class GuestMemory(byte[] snapshot)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) =>
        snapshot.AsSpan(checked((int)(pageIndex * page.Length)), page.Length).CopyTo(page);

    [WriteHandler]
    private void OnWrite(long pageIndex) => Console.WriteLine($"guest wrote page {pageIndex}");
}
