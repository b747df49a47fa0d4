// corpus: expect UFFD0043
using System;
using Uffd;

namespace Corpus.UnalignedLocalRegister;

public static class Setup
{
    public static UffdRegistration RegisterHead(Userfaultfd uffd, UffdMemory memory)
    {
        long head = 1_000_000;
        return uffd.Register(memory.Address, head, RegisterMode.Missing);
    }
}
