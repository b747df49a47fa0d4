// corpus: expect UFFD0006
// corpus: compiler-errors
using System;
using System.IO;
using Uffd;

namespace Corpus.RegionDerivedFromStream;

// "A region is a sequence of bytes", so it was made a Stream: Stream's Read, Write, Length and Dispose are the
// generator's names too.
[FaultRegion(Pages = 16)]
public sealed partial class PageStream : Stream
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
}
