// corpus: expect UFFD0030
using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.SelfTouchReadAheadPrefault;

/// <summary>A file-backed region whose provider tries to warm the next pages itself.</summary>
[FaultRegion(Pages = 4096)]
public sealed partial class WarmFile
{
    private readonly SafeFileHandle _file;

    public WarmFile(string path) => _file = File.OpenHandle(path);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        RandomAccess.Read(_file, page, pageIndex * page.Length);
        if (pageIndex + 8 < PageCount)
        {
            Prefault((pageIndex + 1) * PageSize, 8L * PageSize);
        }
    }
}
