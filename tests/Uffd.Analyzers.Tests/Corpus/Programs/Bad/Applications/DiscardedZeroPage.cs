// corpus: expect UFFD0051
using System;
using Uffd;

namespace Corpus.DiscardedZeroPage;

public static class Handler
{
    public static void Serve(Userfaultfd uffd, UffdMemory memory)
    {
        Span<UffdMessage> messages = stackalloc UffdMessage[16];
        int count = uffd.ReadMessages(messages);
        for (int i = 0; i < count; i++)
        {
            if (messages[i].Kind == UffdEventKind.PageFault)
            {
                nint page = memory.Address + (nint)((long)(messages[i].PageFault.Address - memory.Address) / memory.PageSize * memory.PageSize);
                uffd.ZeroPage(page, memory.PageSize);
            }
        }
    }
}
