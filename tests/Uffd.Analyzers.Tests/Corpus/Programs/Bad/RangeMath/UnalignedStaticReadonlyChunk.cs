// corpus: expect UFFD0043
using System;
using Uffd;

namespace Corpus.UnalignedStaticReadonlyChunk;

public static class Trimmer
{
    private static readonly long s_chunk = 6000;

    public static void DropFirstChunk(UffdMemory memory) => memory.Discard(0, s_chunk);
}
