// corpus: expect UFFD0031
using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingLocalFunctionWait;

/// <summary>The provider reads its file with the async API through a local function that waits for it.</summary>
[FaultRegion(Pages = 256)]
public sealed partial class AsyncFilePages(string path)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes = ReadPage(page.Length);
        bytes.CopyTo(page);

        byte[] ReadPage(int length)
        {
            byte[] buffer = new byte[length];
            using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
            file.Position = pageIndex * buffer.Length;
            Task<int> read = file.ReadAsync(buffer, 0, buffer.Length);
            read.Wait();
            return buffer;
        }
    }
}
