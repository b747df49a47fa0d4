// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.DiscardOnePage;

public static class Eviction
{
    public static void Evict(UffdMemory memory, long page)
    {
        long offset = page * memory.PageSize;
        memory.Discard(offset, 4096);
    }
}
