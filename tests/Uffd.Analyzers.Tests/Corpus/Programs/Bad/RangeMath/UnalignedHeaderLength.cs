// corpus: expect UFFD0043
using System;
using Uffd;

namespace Corpus.UnalignedHeaderLength;

public static class Header
{
    private const int HeaderLength = 512;

    /// <summary>The file header is zeros: answer its fault without a copy.</summary>
    public static UffdResult ZeroHeader(Userfaultfd uffd, UffdMemory memory) => uffd.ZeroPage(memory.Address, HeaderLength);
}
