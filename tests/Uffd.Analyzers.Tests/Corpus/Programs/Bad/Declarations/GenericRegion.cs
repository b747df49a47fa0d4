// corpus: expect UFFD0003
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.GenericRegion;

// One region type for arrays of any unmanaged element.
[FaultRegion(Pages = 64)]
public sealed partial class PagedArray<T>
    where T : unmanaged
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => MemoryMarshal.Cast<byte, T>(page).Clear();
}
