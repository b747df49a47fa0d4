// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.BlockingSemaphoreThrottle;

/// <summary>
/// Reads from a network share are throttled to four at a time; a fault beyond that waits for a slot.
/// </summary>
[FaultRegion(Pages = 4096)]
public sealed partial class ThrottledShare(string path)
{
    private static readonly SemaphoreSlim s_readers = new(4, 4);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        s_readers.Wait();
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Position = pageIndex * page.Length;
            int read = file.ReadAtLeast(page, page.Length, throwOnEndOfStream: false);
            page[read..].Clear();
        }
        finally
        {
            s_readers.Release();
        }
    }
}
