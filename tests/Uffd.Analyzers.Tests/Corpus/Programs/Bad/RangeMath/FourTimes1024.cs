// corpus: expect UFFD0041
using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.FourTimes1024;

[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class FileView(SafeFileHandle file)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long fileOffset = pageIndex * (4 * 1024);
        int read = RandomAccess.Read(file, page, fileOffset);
        page.Slice(read).Clear();
    }
}
