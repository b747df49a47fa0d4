// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MapAnonymousPages;

public static class Arena
{
    public static (UffdMemory Memory, Userfaultfd Uffd) Create(int pages)
    {
        UffdMemory memory = UffdMemory.MapAnonymous(pages * 4096L);
        Userfaultfd uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        return (memory, uffd);
    }
}
