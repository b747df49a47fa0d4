using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.PendingCountGuard;

/// <summary>
/// Resolves a batch of faults read in one go: contiguous pages are zero-filled with DontWake and woken together at
/// the end, but only when at least one page was installed.
/// </summary>
public static class ZeroBatch
{
    public static int Resolve(Userfaultfd uffd, IReadOnlyList<nint> faultPages, int pageSize)
    {
        if (faultPages.Count == 0)
        {
            return 0;
        }

        nint low = nint.MaxValue;
        nint high = nint.MinValue;
        int installed = 0;
        foreach (nint page in faultPages)
        {
            UffdResult result = uffd.ZeroPage(page, pageSize, ZeroPageMode.DontWake);
            if (result.Outcome == UffdOutcome.TargetGone)
            {
                return -1;
            }

            low = Math.Min(low, page);
            high = Math.Max(high, page + pageSize);
            installed++;
        }

        if (installed > 0)
        {
            uffd.Wake(low, high - low);
        }

        return installed;
    }
}
