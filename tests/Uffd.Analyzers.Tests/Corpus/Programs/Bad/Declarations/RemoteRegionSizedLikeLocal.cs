// corpus: expect UFFD0013
using System;
using Uffd;

namespace Corpus.RemoteRegionSizedLikeLocal;

// The guest's size was copied onto the handler's class, but a remote region's pages are the ranges the VMM sends.
[FaultRegion(Remote = true, Pages = 65536)]
public sealed partial class GuestMemory(byte[] snapshot)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) =>
        snapshot.AsSpan(checked((int)(pageIndex * page.Length)), page.Length).CopyTo(page);
}
