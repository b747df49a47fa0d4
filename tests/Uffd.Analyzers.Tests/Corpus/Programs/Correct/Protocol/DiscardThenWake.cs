using System;
using Uffd;

namespace Corpus.DiscardThenWake;

/// <summary>
/// The simplest correct answer to duplicate fault messages: install, ignore the outcome, and always wake the page.
/// A woken thread whose page is still missing faults again and is served by the next message.
/// </summary>
public static class AlwaysWake
{
    public static int Serve(Userfaultfd uffd, ReadOnlySpan<UffdMessage> messages, ReadOnlySpan<byte> template)
    {
        int served = 0;
        foreach (UffdMessage message in messages)
        {
            if (message.Kind != UffdEventKind.PageFault)
            {
                continue;
            }

            nint page = message.PageFault.PageStart(template.Length);
            _ = uffd.Copy(page, template);
            uffd.Wake(page, template.Length);
            served++;
        }

        return served;
    }
}
