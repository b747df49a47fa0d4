using System;
using System.Threading;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Leaves a thread blocked in a MISSING fault and disposes the uffd. With the default RevokeAccessOnClose the
/// range is made inaccessible before the close wakes the thread, so its retry must kill the process (SIGSEGV)
/// instead of reading a zero page. <c>release</c> unregisters first: the thread retries as an ordinary fault and reads 0.
/// The reader faults inside a native memmove (<see cref="GcSafeMemory"/>), where a SIGSEGV kills the process
/// outright; with <c>managedAccess</c> it faults in managed code, where the runtime turns it into a fatal
/// AccessViolationException.
/// </summary>
internal static unsafe class RevokeMode
{
    private const int WaitMs = 10_000;

    public static int Run(bool unregisterFirst, bool managedAccess = false)
    {
        var memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        var uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        // A thread blocked in a fault from managed code cannot be suspended (its load is not at a GC safe point), so
        // a GC now would stall every thread: nothing may start one while it waits. A native reader needs no such care.
        if (managedAccess && !GC.TryStartNoGCRegion(16 << 20))
        {
            return Program.Fail(Program.Unexpected, "could not enter a no-GC region");
        }

        nint page = memory.Address;
        int value = -1;
        ThreadStart read = managedAccess
            ? () => value = Volatile.Read(ref *(byte*)page)
            : () => value = GcSafeMemory.ReadByte(page);
        var reader = new Thread(read) { IsBackground = true, Name = "faulting reader" };
        reader.Start();

        if (!WaitUntil(() => uffd.ReadFdInfo().Total == 1))
        {
            uffd.Unregister(memory.Address, memory.Length);
            return Program.Fail(Program.TimedOut, "the reader never blocked in the fault");
        }

        Program.Print("blocked");
        if (unregisterFirst)
        {
            uffd.Unregister(memory.Address, memory.Length);
        }

        uffd.Dispose();
        if (!reader.Join(WaitMs))
        {
            return Program.Fail(Program.TimedOut, "the reader is still blocked after the uffd was disposed");
        }

        Program.Print($"read={value}");

        // The page stays mapped until here: an unreachable UffdMemory is unmapped by its finalizer.
        GC.KeepAlive(memory);
        return 0;
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddMilliseconds(WaitMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }
}
