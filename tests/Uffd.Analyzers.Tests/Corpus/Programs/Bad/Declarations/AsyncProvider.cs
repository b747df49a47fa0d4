// corpus: expect UFFD0020
using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.AsyncProvider;

// The pages come from a file, so the provider was made asynchronous to "not block".
[FaultRegion(Pages = 64)]
public sealed partial class FilePages
{
    private readonly FileStream _file;

    public FilePages(FileStream file) => _file = file;

    [PageProvider]
    private async Task Fill(long pageIndex, Memory<byte> page)
    {
        _file.Position = pageIndex * page.Length;
        await _file.ReadExactlyAsync(page);
    }
}
