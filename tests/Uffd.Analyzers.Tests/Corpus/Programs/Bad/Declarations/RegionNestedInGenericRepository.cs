// corpus: expect UFFD0003
using System;
using Uffd;

namespace Corpus.RegionNestedInGenericRepository;

// A generic repository keeps its backing store in a nested region: the container's type parameter makes it generic.
public partial class Repository<TEntity>
    where TEntity : class
{
    public int Count { get; private set; }

    [FaultRegion(Pages = 64)]
    private sealed partial class Storage
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
    }
}
