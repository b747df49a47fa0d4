// corpus: expect UFFD0002
using System;
using Uffd;

namespace Corpus.ContainerStructNotPartial;

public static partial class Engine
{
    // The middle container is a struct someone added later, without partial.
    public struct Subsystem
    {
        [FaultRegion(Pages = 8)]
        internal sealed partial class Buffers
        {
            [PageProvider]
            private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
        }
    }
}
