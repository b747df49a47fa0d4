// corpus: expect UFFD0041
using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.CompoundMultiplyIndex;

[FaultRegion(Pages = 512, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Archive(SafeFileHandle file)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long position = pageIndex;
        position *= 4096;
        int read = RandomAccess.Read(file, page, position);
        page.Slice(read).Clear();
    }
}
