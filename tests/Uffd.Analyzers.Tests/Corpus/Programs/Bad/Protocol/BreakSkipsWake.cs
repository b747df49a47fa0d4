// corpus: expect UFFD0050
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.BreakSkipsWake;

/// <summary>A budget check breaks out of the loop after a quiet copy, before the wake at the end of the body.</summary>
public static class BudgetedServer
{
    public static int Serve(Userfaultfd uffd, Queue<nint> faults, Func<nint, byte[]> load, int pageSize, int budget)
    {
        int served = 0;
        while (faults.TryDequeue(out nint page))
        {
            byte[] contents = load(page);
            UffdResult result = uffd.Copy(page, contents, CopyMode.DontWake);
            if (!result.IsResolvedOrPresent)
            {
                Console.Error.WriteLine($"0x{page:x}: {result}");
            }

            if (++served >= budget)
            {
                break;
            }

            uffd.Wake(page, pageSize);
        }

        return served;
    }
}
