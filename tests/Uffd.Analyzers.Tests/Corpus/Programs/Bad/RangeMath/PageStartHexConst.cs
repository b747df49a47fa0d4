// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.PageStartHexConst;

public sealed class Server(Userfaultfd uffd)
{
    private const int Page = 0x1000;

    public void WakeWaiters(PageFaultEvent fault)
    {
        nint start = fault.PageStart(Page);
        uffd.Wake(start, Page);
    }
}
