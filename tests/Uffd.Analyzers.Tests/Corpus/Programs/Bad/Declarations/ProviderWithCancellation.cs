// corpus: expect UFFD0020
using System;
using System.Threading;
using Uffd;

namespace Corpus.ProviderWithCancellation;

// Every method in the code base takes a CancellationToken, so the provider got one too.
[FaultRegion(Pages = 64)]
public sealed partial class Tiles
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        page.Fill((byte)pageIndex);
    }
}
