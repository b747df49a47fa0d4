// corpus: expect UFFD0006
using System;
using System.IO;
using Uffd;

namespace Corpus.DisposeDeclaredInRegion;

// A Dispose written in the class to release the log as well: it replaces the generated one.
[FaultRegion(Pages = 64)]
public sealed partial class LoggedPages
{
    private readonly StreamWriter _log = new(Stream.Null);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        _log.WriteLine(pageIndex);
        page.Clear();
    }

    public void Dispose() => _log.Dispose();
}
