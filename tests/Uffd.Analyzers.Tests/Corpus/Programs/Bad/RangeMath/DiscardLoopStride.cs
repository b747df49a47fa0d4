// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.DiscardLoopStride;

public static class Reclaim
{
    /// <summary>Gives every other page back to the kernel.</summary>
    public static void DropEveryOther(UffdMemory memory)
    {
        for (long offset = 0; offset < memory.Length; offset += 2 * 4096)
        {
            memory.Discard(offset, memory.PageSize);
        }
    }
}
