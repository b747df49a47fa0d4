// corpus: exe
using System;
using System.Threading;
using Uffd;

namespace Corpus.LowLevelPageServer;

/// <summary>
/// The runtime used directly: a handler thread fills each faulting page once; the main thread reads registered memory
/// only through GcSafeMemory (native code), and the fault addresses are used as numbers to find the page index.
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
                    long pageIndex = (long)(address - memory.Address) / memory.PageSize;
                    page.AsSpan().Fill((byte)('a' + pageIndex));
                    if (uffd.Copy(address, page).Outcome == UffdOutcome.AlreadyPresent)
                    {
                        uffd.Wake(address, memory.PageSize);
                    }
                }
            }
        });
        handler.Start();

        byte third = GcSafeMemory.ReadByte(memory.Address + 2 * memory.PageSize);
        byte[] copy = new byte[16];
        GcSafeMemory.Read(memory.Address + 5 * memory.PageSize, copy);
        Console.WriteLine($"{(char)third}{(char)copy[0]}");

        stop.Signal();
        handler.Join();
        return 0;
    }
}
