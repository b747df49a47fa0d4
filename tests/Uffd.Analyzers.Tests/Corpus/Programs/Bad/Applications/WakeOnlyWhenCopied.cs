// corpus: expect UFFD0050
using System;
using Uffd;

namespace Corpus.WakeOnlyWhenCopied;

public static class BatchHandler
{
    /// <summary>Copies a run of pages without waking, then wakes the run, but only when the copy went through.</summary>
    public static void ServeRun(Userfaultfd uffd, nint start, ReadOnlySpan<byte> pages)
    {
        UffdResult result = uffd.Copy(start, pages, CopyMode.DontWake);
        if (result.IsDone)
        {
            uffd.Wake(start, pages.Length);
        }
        else
        {
            Console.Error.WriteLine($"copy at 0x{start:x} stopped after {result.BytesDone} bytes: errno {result.Errno}");
        }
    }
}
