// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.BlockingSleepRetry;

/// <summary>
/// Page files are written by another process; when one is locked the provider retries with a back-off.
/// </summary>
[FaultRegion(Pages = 128, OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class SharedPageFiles(string directory)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        string path = Path.Combine(directory, $"page{pageIndex}.dat");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                int read = file.ReadAtLeast(page, page.Length, throwOnEndOfStream: false);
                page[read..].Clear();
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(20 << attempt);
            }
        }
    }
}
