// corpus: expect UFFD0005
using System;
using Uffd;

namespace Corpus.RegionInsideInterface;

// The default implementation of a storage interface keeps its backing region as a nested class.
public interface IPageStore
{
    byte ReadByte(long offset);

    [FaultRegion(Pages = 16)]
    public sealed partial class Backing
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
    }
}
