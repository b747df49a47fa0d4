// corpus: expect UFFD0010 UFFD0022
using System;
using Uffd;

namespace Corpus.ProviderInNestedHelper;

// The decoding was moved into a nested helper class, attribute and all.
[FaultRegion(Pages = 16)]
public sealed partial class Atlas
{
    private static class Decoder
    {
        [PageProvider]
        public static void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
    }
}
