// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MaskNot4095;

public static class Resolver
{
    public static UffdResult Fill(Userfaultfd uffd, PageFaultEvent fault, ReadOnlySpan<byte> content)
    {
        nint pageStart = fault.Address & ~4095;
        return uffd.Copy(pageStart, content);
    }
}
