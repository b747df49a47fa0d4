// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.NextPageAddressLoop;

public static class Protection
{
    public static void ProtectEach(Userfaultfd uffd, UffdMemory memory)
    {
        for (nint page = memory.Address; page < memory.Address + (nint)memory.Length; page += 0x1000)
        {
            UffdResult result = uffd.WriteProtect(page, memory.PageSize);
            if (!result.IsDone)
            {
                throw new InvalidOperationException($"WRITEPROTECT at 0x{page:x}: {result}");
            }
        }
    }
}
