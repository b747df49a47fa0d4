// corpus: expect UFFD0027
using System;
using Uffd;

namespace Corpus.ObsoleteAsErrorProvider;

// The provider was marked obsolete-as-error "so that nobody but the region calls it"; the region is somebody too.
[FaultRegion(Pages = 64)]
public sealed partial class Glyphs
{
    [Obsolete("Called by the region only; use Glyphs.Read.", error: true)]
    [PageProvider]
    internal static void Render(long pageIndex, Span<byte> page) => page.Fill((byte)(' ' + pageIndex % 95));
}
