// corpus: expect UFFD0026
using System;
using Uffd;

namespace Corpus.BodilessPartialProvider;

// The provider was declared as a partial method to be implemented "in the other file", which never came.
[FaultRegion(Pages = 16)]
public sealed partial class Sprites
{
    [PageProvider]
    partial void Fill(long pageIndex, Span<byte> page);
}
