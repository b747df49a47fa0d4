// corpus: expect UFFD0020
using System;
using Uffd;

namespace Corpus.ProviderTakesByteArray;

// Written from memory of an older API that passed a buffer.
[FaultRegion(Pages = 16)]
public sealed partial class Blocks
{
    [PageProvider]
    private static void Fill(long pageIndex, byte[] page) => Array.Fill(page, (byte)pageIndex);
}
