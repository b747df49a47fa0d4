// corpus: expect UFFD0023
using System;
using Uffd;

namespace Corpus.WriteHandlerTakesPage;

// The write handler was modelled on the provider and asks for the page's bytes.
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 32)]
public sealed partial class Versioned
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private static void OnWrite(long pageIndex, Span<byte> page) => page[0]++;
}
