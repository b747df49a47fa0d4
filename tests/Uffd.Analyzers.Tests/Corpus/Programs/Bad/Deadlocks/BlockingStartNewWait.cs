// corpus: expect UFFD0031
using System;
using System.IO.Compression;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingStartNewWait;

/// <summary>
/// Decompression is moved to a long-running task "so that it does not run on the handler thread" - which then waits
/// for it anyway.
/// </summary>
[FaultRegion(Pages = 512)]
public sealed partial class ZippedPages(string archivePath)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] buffer = new byte[page.Length];
        Task decompress = Task.Factory.StartNew(() =>
        {
            using ZipArchive archive = ZipFile.OpenRead(archivePath);
            using Stream entry = archive.GetEntry($"{pageIndex}.page")!.Open();
            entry.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }, TaskCreationOptions.LongRunning);
        decompress.Wait();
        buffer.CopyTo(page);
    }
}
