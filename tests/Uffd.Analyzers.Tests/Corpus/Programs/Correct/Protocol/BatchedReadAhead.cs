using System;
using Uffd;

namespace Corpus.BatchedReadAhead;

/// <summary>
/// Read-ahead: the faulting page and the next few are installed with DontWake, then one Wake covers the whole run.
/// The Wake sits in a finally block so that a failed copy still releases the faulting thread.
/// </summary>
public static class ReadAhead
{
    public const int Window = 8;

    public static void Serve(Userfaultfd uffd, UffdMemory memory, nint faultPage, Func<long, byte[]> load)
    {
        int pageSize = memory.PageSize;
        nint end = memory.Address + (nint)memory.Length;
        nint runEnd = faultPage;
        try
        {
            for (int i = 0; i < Window && runEnd < end; i++, runEnd += pageSize)
            {
                byte[] contents = load((runEnd - memory.Address) / pageSize);
                UffdResult result = uffd.Copy(runEnd, contents, CopyMode.DontWake);
                if (result.Outcome == UffdOutcome.AlreadyPresent)
                {
                    // Someone else served this page: the run stops here, the rest faults on its own.
                    runEnd += pageSize;
                    break;
                }

                if (!result.IsDone)
                {
                    break;
                }
            }
        }
        finally
        {
            uffd.Wake(faultPage, Math.Max(pageSize, runEnd - faultPage));
        }
    }
}
