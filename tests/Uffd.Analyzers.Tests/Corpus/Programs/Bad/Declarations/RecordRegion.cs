// corpus: expect UFFD0005
using System;
using Uffd;

namespace Corpus.RecordRegion;

// Records are the team's default for "data" types.
[FaultRegion(Pages = 16)]
public sealed partial record Frame(int Width, int Height)
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
