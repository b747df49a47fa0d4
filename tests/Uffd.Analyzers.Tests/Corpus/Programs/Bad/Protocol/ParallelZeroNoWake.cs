// corpus: expect UFFD0050
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ParallelZeroNoWake;

/// <summary>Zero pages installed in parallel with DontWake; nothing wakes the range afterwards.</summary>
public static class ParallelZeroFill
{
    public static void ZeroRange(Userfaultfd uffd, nint start, int pages, int pageSize)
    {
        Parallel.For(0, pages, page =>
        {
            UffdResult result = uffd.ZeroPage(start + page * pageSize, pageSize, ZeroPageMode.DontWake);
            if (result.Outcome is UffdOutcome.Failed or UffdOutcome.OutOfMemory)
            {
                throw new UffdException($"zero page {page}: {result}", result.Errno);
            }
        });
    }
}
