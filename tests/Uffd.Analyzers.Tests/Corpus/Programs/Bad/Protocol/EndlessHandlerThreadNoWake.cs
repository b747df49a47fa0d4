// corpus: expect UFFD0050
using System;
using System.Threading;
using Uffd;

namespace Corpus.EndlessHandlerThreadNoWake;

/// <summary>
/// A background handler thread that runs for the life of the process: the loop never ends, so "the end of the method"
/// never comes, and neither does a Wake for the pages it installs quietly.
/// </summary>
public static class BackgroundHandler
{
    public static Thread Start(Userfaultfd uffd, UffdMemory memory)
    {
        var thread = new Thread(() =>
        {
            var messages = new UffdMessage[16];
            byte[] page = new byte[memory.PageSize];
            while (true)
            {
                if (uffd.WaitForMessages(null, TimeSpan.FromSeconds(1)) != UffdWaitResult.MessagesAvailable)
                {
                    continue;
                }

                int count = uffd.ReadMessages(messages);
                for (int i = 0; i < count; i++)
                {
                    nint address = messages[i].PageFault.PageStart(memory.PageSize);
                    UffdResult result = uffd.Copy(address, page, CopyMode.DontWake);
                    if (!result.IsResolvedOrPresent)
                    {
                        Console.Error.WriteLine($"0x{address:x}: {result}");
                    }
                }
            }
        })
        { IsBackground = true, Name = "uffd handler" };
        thread.Start();
        return thread;
    }
}
