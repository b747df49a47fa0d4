// corpus: expect UFFD0013
using System;
using Uffd;

namespace Corpus.ProtectOnFillForReadOnlyPages;

// ProtectOnFill was read as "make filled pages read-only", in a region that does not handle write faults.
[FaultRegion(Pages = 64, ProtectOnFill = true)]
public sealed partial class Constants
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(0x2a);
}
