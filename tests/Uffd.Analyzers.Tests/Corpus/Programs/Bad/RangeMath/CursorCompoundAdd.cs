// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.CursorCompoundAdd;

public static class Populate
{
    /// <summary>Fills every page of the mapping with zeros, page after page.</summary>
    public static void ZeroAll(Userfaultfd uffd, UffdMemory memory)
    {
        nint cursor = memory.Address;
        nint end = memory.Address + (nint)memory.Length;
        while (cursor < end)
        {
            UffdResult result = uffd.ZeroPage(cursor, memory.PageSize);
            if (!result.IsResolvedOrPresent)
            {
                throw new InvalidOperationException($"ZEROPAGE at 0x{cursor:x}: {result}");
            }

            cursor += 4096;
        }
    }
}
