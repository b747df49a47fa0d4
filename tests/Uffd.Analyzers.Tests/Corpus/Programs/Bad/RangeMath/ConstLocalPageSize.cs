// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.ConstLocalPageSize;

public static class Trim
{
    /// <summary>Gives the pages [first, first + count) back to the kernel.</summary>
    public static void Release(UffdMemory memory, long first, long count)
    {
        const int pageBytes = 4096;
        memory.Discard(first * pageBytes, count * pageBytes);
    }
}
