// corpus: expect UFFD0051
using System;
using Uffd;

namespace Corpus.ZeroPageResultDiscarded;

/// <summary>A discard silences the compiler's wish to use the result, not the kernel's answer.</summary>
public static class ZeroServer
{
    public static void Serve(Userfaultfd uffd, ReadOnlySpan<UffdMessage> messages, int pageSize)
    {
        for (int i = 0; i < messages.Length; i++)
        {
            if (messages[i].Kind != UffdEventKind.PageFault)
            {
                continue;
            }

            nint page = messages[i].PageFault.PageStart(pageSize);
            _ = uffd.ZeroPage(page, pageSize);
        }
    }
}
