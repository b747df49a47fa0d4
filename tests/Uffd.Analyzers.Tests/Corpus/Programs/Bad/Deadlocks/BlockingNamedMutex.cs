// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.BlockingNamedMutex;

/// <summary>
/// Several processes share a cache directory; a machine-wide mutex keeps one of them filling a page file at a time.
/// </summary>
[FaultRegion(Pages = 512)]
public sealed partial class SharedCache(string directory)
{
    private readonly Mutex _cacheLock = new(initiallyOwned: false, name: "Global\\corpus-shared-cache");

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        _cacheLock.WaitOne();
        try
        {
            string path = Path.Combine(directory, $"{pageIndex:x}");
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, Generate(pageIndex, page.Length));
            }

            byte[] bytes = File.ReadAllBytes(path);
            bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
        }
        finally
        {
            _cacheLock.ReleaseMutex();
        }
    }

    private static byte[] Generate(long pageIndex, int length)
    {
        byte[] bytes = new byte[length];
        new Random((int)pageIndex).NextBytes(bytes);
        return bytes;
    }
}
