// corpus: expect UFFD0026
using System;
using System.Diagnostics;
using Uffd;

namespace Corpus.ConditionalProvider;

// A debug-only filler was promoted to the provider without dropping its [Conditional].
[FaultRegion(Pages = 16)]
public sealed partial class DebugPattern
{
    [Conditional("DEBUG")]
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(0xcd);
}
