// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MaskCompoundAssign;

public static class Faults
{
    public static UffdResult Zero(Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault)
    {
        nint address = fault.Address;
        address &= ~0xFFF;
        return uffd.ZeroPage(address, memory.PageSize);
    }
}
