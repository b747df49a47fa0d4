// corpus: expect UFFD0041
using System;
using System.IO;
using Uffd;

namespace Corpus.PagesFromLengthLocal;

[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Mirror
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    public static Mirror For(FileInfo file)
    {
        long pages = (file.Length + 4095) / 4096;
        var mirror = new Mirror();
        mirror.Open(pages);
        return mirror;
    }
}
