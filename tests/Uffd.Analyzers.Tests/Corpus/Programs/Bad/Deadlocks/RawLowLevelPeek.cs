// corpus: exe
// corpus: expect UFFD0032
using System;
using System.Threading;
using Uffd;

namespace Corpus.RawLowLevelPeek;

public static class Program
{
    public static unsafe int Main()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        using var stop = new UffdShutdownSignal();
        var handler = new Thread(() =>
        {
            var messages = new UffdMessage[4];
            byte[] page = new byte[memory.PageSize];
            while (uffd.WaitForMessages(stop) == UffdWaitResult.MessagesAvailable)
            {
                for (int i = 0, n = uffd.ReadMessages(messages); i < n; i++)
                {
                    nint address = messages[i].PageFault.PageStart(memory.PageSize);
                    page.AsSpan().Fill(0x5A);
                    if (uffd.Copy(address, page).Outcome == UffdOutcome.AlreadyPresent)
                    {
                        uffd.Wake(address, memory.PageSize);
                    }
                }
            }
        });
        handler.Start();

        // A quick peek "just to check": the managed thread faults here, outside any safe point.
        byte* first = (byte*)memory.Address;
        Console.WriteLine(first[1]);

        stop.Signal();
        handler.Join();
        return 0;
    }
}
