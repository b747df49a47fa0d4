// corpus: expect UFFD0042
using System;
using Uffd;

namespace Corpus.WrongMaskThroughHelperParameter;

public static class Align
{
    private static nint Down(nint address, int size) => address & ~(nint)size;

    public static UffdResult Zero(Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault)
    {
        nint start = Down(fault.Address, memory.PageSize);
        return uffd.ZeroPage(start, memory.PageSize);
    }
}
