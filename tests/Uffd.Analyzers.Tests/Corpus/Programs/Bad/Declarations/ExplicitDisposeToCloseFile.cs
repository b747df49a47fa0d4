// corpus: expect UFFD0006
using System;
using System.IO;
using Uffd;

namespace Corpus.ExplicitDisposeToCloseFile;

// The backing file must be closed too, so IDisposable.Dispose was implemented by hand.
[FaultRegion(Pages = 64)]
public sealed partial class MappedFile : IDisposable
{
    private readonly FileStream _file;

    public MappedFile(string path) => _file = File.OpenRead(path);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => RandomAccess.Read(_file.SafeFileHandle, page, pageIndex * page.Length);

    void IDisposable.Dispose() => _file.Dispose();
}
