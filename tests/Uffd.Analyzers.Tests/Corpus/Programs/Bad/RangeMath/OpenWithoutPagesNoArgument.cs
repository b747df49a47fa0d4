// corpus: expect UFFD0044
using System;
using Uffd;

namespace Corpus.OpenWithoutPagesNoArgument;

[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Buffer
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}

public static class Use
{
    public static Buffer Create()
    {
        var buffer = new Buffer();
        buffer.Open();
        return buffer;
    }
}
