// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.PageStartLiteral;

public static class Copier
{
    public static UffdResult Serve(Userfaultfd uffd, PageFaultEvent fault, byte[] content)
    {
        nint start = fault.PageStart(4096);
        return uffd.Copy(start, content);
    }
}
