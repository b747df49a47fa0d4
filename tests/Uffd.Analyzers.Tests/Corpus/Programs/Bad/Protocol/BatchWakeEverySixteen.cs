// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.BatchWakeEverySixteen;

/// <summary>
/// Pages are installed quietly and woken sixteen at a time; the last, incomplete batch is never woken.
/// </summary>
public static class Prefetcher
{
    public static void Prefetch(Userfaultfd uffd, nint first, int pages, int pageSize, Func<int, byte[]> load)
    {
        int pending = 0;
        nint batchStart = first;
        for (int i = 0; i < pages; i++)
        {
            _ = uffd.Copy(first + i * pageSize, load(i), CopyMode.DontWake);
            pending++;
            if (pending == 16)
            {
                uffd.Wake(batchStart, (long)pending * pageSize);
                batchStart += pending * pageSize;
                pending = 0;
            }
        }
    }
}
