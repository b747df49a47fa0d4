// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.ShiftRightFaultAddress;

public sealed class Pager(UffdMemory memory, byte[][] pages)
{
    public ReadOnlySpan<byte> SourceFor(PageFaultEvent fault)
    {
        long pageNumber = (fault.Address - memory.Address) >> 12;
        return pages[pageNumber];
    }
}
