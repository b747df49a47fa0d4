// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.OneShiftTwelveLength;

public static class Zeros
{
    /// <summary>Answers a fault with a zero page.</summary>
    public static void Resolve(Userfaultfd uffd, PageFaultEvent fault, int pageSize)
    {
        nint start = fault.PageStart(pageSize);
        UffdResult result = uffd.ZeroPage(start, 1 << 12);
        if (result.Outcome == UffdOutcome.AlreadyPresent)
        {
            uffd.Wake(start, pageSize);
        }
        else if (!result.IsResolvedOrPresent)
        {
            throw new InvalidOperationException($"ZEROPAGE failed: {result}");
        }
    }
}
