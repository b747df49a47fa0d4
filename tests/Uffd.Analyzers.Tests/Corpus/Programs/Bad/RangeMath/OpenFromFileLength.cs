// corpus: expect UFFD0041
using System;
using System.IO;
using Uffd;

namespace Corpus.OpenFromFileLength;

[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Cache
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}

public static class Startup
{
    public static Cache OpenFor(string path)
    {
        long fileLength = new FileInfo(path).Length;
        var cache = new Cache();
        cache.Open(fileLength / 4096 + 1);
        return cache;
    }
}
