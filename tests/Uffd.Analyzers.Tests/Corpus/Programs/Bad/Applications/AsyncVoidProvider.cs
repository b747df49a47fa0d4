// corpus: expect UFFD0020
// corpus: compiler-errors
using System;
using System.IO;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.AsyncVoidProvider;

[FaultRegion(Pages = 32)]
public sealed partial class LazyFile
{
    private readonly string _path;

    public LazyFile(string path) => _path = path;

    [PageProvider]
    private async void Fill(long pageIndex, Memory<byte> page)
    {
        await using FileStream file = File.OpenRead(_path);
        file.Position = pageIndex * page.Length;
        await file.ReadAsync(page);
    }
}
