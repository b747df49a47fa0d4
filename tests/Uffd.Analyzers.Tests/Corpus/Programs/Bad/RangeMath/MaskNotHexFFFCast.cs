// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MaskNotHexFFFCast;

[FaultRegion(Pages = 16, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Native
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);

    /// <summary>The page that holds the byte at <paramref name="offset"/>, for a native library that wants its start.</summary>
    public nint PageOf(long offset)
    {
        nint address = BaseAddress + (nint)offset;
        return address & ~(nint)0xFFF;
    }
}
