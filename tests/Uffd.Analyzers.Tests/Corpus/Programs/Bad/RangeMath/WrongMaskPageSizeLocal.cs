// corpus: expect UFFD0042
using System;
using Uffd;

namespace Corpus.WrongMaskPageSizeLocal;

public static class Resolve
{
    public static UffdResult Zero(Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault)
    {
        int size = memory.PageSize;
        nint start = fault.Address & ~(nint)size;
        return uffd.ZeroPage(start, size);
    }
}
