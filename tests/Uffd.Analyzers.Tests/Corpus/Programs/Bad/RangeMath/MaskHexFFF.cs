// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MaskHexFFF;

public static class Faults
{
    public static string Describe(PageFaultEvent fault)
    {
        long inPage = fault.Address & 0xFFF;
        return $"fault at 0x{fault.Address:x}, {inPage} bytes into its page{(fault.IsWrite ? " (write)" : "")}";
    }
}
