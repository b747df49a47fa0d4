// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.AlignedFaultAddress;

public static class Handler
{
    /// <summary>Serves one fault with a zero page at the faulting address, rounded down to its page.</summary>
    public static bool ServeZero(Userfaultfd uffd, UffdMemory memory, in UffdMessage message)
    {
        nint page = message.PageFault.Address & ~(nint)0xFFF;
        UffdResult result = uffd.ZeroPage(page, memory.PageSize);
        return result.IsResolvedOrPresent;
    }
}
