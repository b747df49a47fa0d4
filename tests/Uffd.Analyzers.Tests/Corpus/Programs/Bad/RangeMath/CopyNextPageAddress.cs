// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.CopyNextPageAddress;

public static class ReadAhead
{
    /// <summary>Fills the faulting page and the one after it from two buffers.</summary>
    public static bool FillPair(Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault, byte[] first, byte[] second)
    {
        nint start = fault.PageStart(memory.PageSize);
        UffdResult a = uffd.Copy(start, first);
        UffdResult b = uffd.Copy(start + 4096, second);
        return a.IsResolvedOrPresent && b.IsResolvedOrPresent;
    }
}
