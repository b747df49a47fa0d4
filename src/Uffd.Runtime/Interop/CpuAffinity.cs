using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// Pins threads to CPUs with <c>sched_setaffinity</c>. Region handler threads are pinned one per CPU: a fault is then
/// usually served by the handler on the faulting thread's own CPU, which saves the ~25 µs cross-CPU wake-up
/// (docs/runtime.md, "The region engine").
/// </summary>
internal static unsafe partial class CpuAffinity
{
    // glibc's cpu_set_t: 1024 bits.
    private const int SetBytes = 128;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nuint size, byte* mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, byte* mask);

    /// <summary>
    /// The CPUs thread <paramref name="tid"/> may run on (0: the calling thread; the process id: the main thread,
    /// i.e. the process's affinity, whatever a pinned caller's is), ascending; all of 0..ProcessorCount-1 if that
    /// cannot be read.
    /// </summary>
    public static int[] AllowedCpus(int tid = 0)
    {
        byte* mask = stackalloc byte[SetBytes];
        new System.Span<byte>(mask, SetBytes).Clear();
        var cpus = new List<int>();
        if (sched_getaffinity(tid, SetBytes, mask) == 0)
        {
            for (int cpu = 0; cpu < SetBytes * 8; cpu++)
            {
                if ((mask[cpu >> 3] & (1 << (cpu & 7))) != 0)
                {
                    cpus.Add(cpu);
                }
            }
        }

        if (cpus.Count == 0)
        {
            for (int cpu = 0; cpu < System.Environment.ProcessorCount; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus.ToArray();
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>; returns 0 or the errno.</summary>
    public static int PinCurrentThread(int cpu)
    {
        if (cpu < 0 || cpu >= SetBytes * 8)
        {
            return Errno.EINVAL;
        }

        byte* mask = stackalloc byte[SetBytes];
        new System.Span<byte>(mask, SetBytes).Clear();
        mask[cpu >> 3] = (byte)(1 << (cpu & 7));
        return sched_setaffinity(0, SetBytes, mask) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
