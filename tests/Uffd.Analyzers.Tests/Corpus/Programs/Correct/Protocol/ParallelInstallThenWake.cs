using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ParallelInstallThenWake;

/// <summary>
/// A restore of a large extent: pages are decompressed and installed in parallel without waking, then the whole
/// extent is woken once. A local function does the quiet install.
/// </summary>
public static class ParallelRestore
{
    public static int Restore(Userfaultfd uffd, nint first, byte[][] compressed, int pageSize, Func<byte[], byte[]> inflate)
    {
        int failures = 0;
        Parallel.For(0, compressed.Length, i =>
        {
            if (!InstallQuietly(first + i * pageSize, inflate(compressed[i])))
            {
                System.Threading.Interlocked.Increment(ref failures);
            }
        });

        uffd.Wake(first, (long)compressed.Length * pageSize);
        return failures;

        bool InstallQuietly(nint page, byte[] contents) =>
            uffd.Copy(page, contents, CopyMode.DontWake).IsResolvedOrPresent;
    }
}
