// corpus: exe
using System;
using System.Threading;
using Uffd;

namespace Corpus.HandlerThreadJoinWait;

/// <summary>
/// The low-level runtime without a generated region: a handler thread fills each missing page with its index, and the
/// main thread waits for it with Join once the shutdown signal is raised. The waits are on the main thread, never in a
/// callback.
/// </summary>
public static class Program
{
    public static int Main()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(8 * Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        using var stop = new UffdShutdownSignal();

        var handler = new Thread(() =>
        {
            var messages = new UffdMessage[8];
            byte[] page = new byte[memory.PageSize];
            while (uffd.WaitForMessages(stop) == UffdWaitResult.MessagesAvailable)
            {
                for (int i = 0, n = uffd.ReadMessages(messages); i < n; i++)
                {
                    nint address = messages[i].PageFault.PageStart(memory.PageSize);
                    page.AsSpan().Fill((byte)((address - memory.Address) / memory.PageSize));
                    if (uffd.Copy(address, page).Outcome == UffdOutcome.AlreadyPresent)
                    {
                        uffd.Wake(address, memory.PageSize);
                    }
                }
            }
        })
        { Name = "uffd handler" };
        handler.Start();

        byte third = GcSafeMemory.ReadByte(memory.Address + 3 * memory.PageSize);
        stop.Signal();
        if (!handler.Join(TimeSpan.FromSeconds(10)))
        {
            Console.Error.WriteLine("the handler did not stop");
            return 1;
        }

        Console.WriteLine(third);
        return third == 3 ? 0 : 1;
    }
}
