using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Makes the kernel itself read a missing registered page (<c>write(pipe, page, 1)</c>) while a handler serves
/// faults with COPY. A uffd that serves kernel-mode faults blocks the syscall until the copy; a user-mode-only one
/// makes the syscall fail with EFAULT and never queues a message.
/// </summary>
internal static unsafe class KernelAccessMode
{
    private const int WaitMs = 10_000;
    private const byte Fill = (byte)'K';

    public static int Run(UserModeOnlyPolicy policy)
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { UserModeOnly = policy, RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        int* pipe = stackalloc int[2];
        if (Native.pipe2(pipe, Native.O_CLOEXEC) != 0)
        {
            return Program.Fail(Program.Unexpected, $"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        int readEnd = pipe[0], writeEnd = pipe[1];
        nint page = memory.Address;
        int messages = 0;
        string? handlerError = null;
        using var stop = new UffdShutdownSignal();
        var handler = new Thread(() =>
        {
            var buffer = new UffdMessage[4];
            byte[] source = new byte[memory.PageSize];
            source.AsSpan().Fill(Fill);
            while (uffd.WaitForMessages(stop, WaitMs) == UffdWaitResult.MessagesAvailable)
            {
                int n = uffd.ReadMessages(buffer);
                for (int i = 0; i < n; i++)
                {
                    Interlocked.Increment(ref messages);
                    UffdResult result = uffd.Copy(buffer[i].PageFault.PageStart(memory.PageSize), source);
                    if (!result.IsResolvedOrPresent)
                    {
                        handlerError = $"COPY gave {result}";
                    }
                }
            }
        }) { IsBackground = true, Name = "probe handler" };
        handler.Start();

        nint written = 0;
        int errno = 0;
        var writer = new Thread(() =>
        {
            written = Native.write(writeEnd, (void*)page, 1);
            errno = written < 0 ? Marshal.GetLastPInvokeError() : 0;
        }) { IsBackground = true, Name = "kernel-mode accessor" };
        writer.Start();

        bool finished = writer.Join(WaitMs);
        stop.Signal();
        bool handlerStopped = handler.Join(WaitMs);
        if (!finished)
        {
            // Unregistering wakes the blocked syscall (it retries as an ordinary fault) so the process can exit.
            uffd.Unregister(memory.Address, memory.Length);
            return Program.Fail(Program.TimedOut, "write(pipe, page, 1) still blocked after 10 s");
        }

        if (!handlerStopped || handlerError is not null)
        {
            return Program.Fail(Program.Unexpected, handlerError ?? "the handler thread did not stop");
        }

        long total = uffd.ReadFdInfo().Total;
        if (written == 1)
        {
            byte got;
            nint n = Native.read(readEnd, &got, 1);
            if (n != 1 || got != Fill || messages != 1 || total != 0)
            {
                return Program.Fail(Program.Unexpected, $"served: read {n} byte 0x{got:x2}, {messages} messages, total {total}");
            }

            Program.Print("kernel-access=served");
        }
        else if (written < 0 && errno == Native.EFAULT)
        {
            if (messages != 0 || total != 0)
            {
                return Program.Fail(Program.Unexpected, $"EFAULT but {messages} messages, total {total}");
            }

            Program.Print("kernel-access=EFAULT");
        }
        else
        {
            return Program.Fail(Program.Unexpected, $"write returned {written}, errno {errno}");
        }

        Native.close(readEnd);
        Native.close(writeEnd);
        return 0;
    }
}
