// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.HexPageSizeWake;

public static class Duplicates
{
    /// <summary>A second fault on a page another thread already filled: wake whoever waits on it.</summary>
    public static void WakeWaiters(Userfaultfd uffd, UffdMemory memory, PageFaultEvent fault)
    {
        nint start = fault.PageStart(memory.PageSize);
        uffd.Wake(start, 0x1000);
    }
}
