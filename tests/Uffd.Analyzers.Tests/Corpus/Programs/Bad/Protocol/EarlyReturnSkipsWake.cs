// corpus: expect UFFD0050
using System;
using System.Threading;
using Uffd;

namespace Corpus.EarlyReturnSkipsWake;

/// <summary>A cancellation check placed between the quiet copy and its wake returns without waking.</summary>
public static class Installer
{
    public static int InstallRun(Userfaultfd uffd, nint first, byte[][] pages, int pageSize, CancellationToken cancel)
    {
        int installed = 0;
        for (int i = 0; i < pages.Length; i++)
        {
            UffdResult result = uffd.Copy(first + i * pageSize, pages[i], CopyMode.DontWake);
            if (result.IsResolvedOrPresent)
            {
                installed++;
            }

            if (cancel.IsCancellationRequested)
            {
                return installed;
            }
        }

        uffd.Wake(first, (long)pages.Length * pageSize);
        return installed;
    }
}
