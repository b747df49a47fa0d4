// corpus: expect UFFD0043
using System;
using Uffd;

namespace Corpus.ZeroLengthWake;

public static class Wakeup
{
    public static void WakeAll(Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault)
    {
        UffdResult result = uffd.ZeroPage(fault.PageStart(memory.PageSize), memory.PageSize, ZeroPageMode.DontWake);
        if (!result.IsResolvedOrPresent)
        {
            throw new InvalidOperationException(result.ToString());
        }

        uffd.Wake(fault.PageStart(memory.PageSize), 0);
    }
}
