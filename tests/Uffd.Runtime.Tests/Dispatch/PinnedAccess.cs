using System.Threading;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Dispatch;

/// <summary>Faulting threads pinned to a CPU, for the tests of what the dispatcher does by CPU (parking, hand-offs).</summary>
internal static class PinnedAccess
{
    /// <summary>The first two CPUs this process may run on.</summary>
    public static int[] TwoCpus()
    {
        int[] allowed = CpuAffinity.AllowedCpus(Environment.ProcessId);
        Assert.True(allowed.Length >= 2, $"parking and hand-offs need two CPUs; this process may run on {allowed.Length}");
        return allowed[..2];
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>, then runs <paramref name="body"/>.</summary>
    public static T Run<T>(int cpu, Func<T> body)
    {
        int error = CpuAffinity.PinCurrentThread(cpu);
        Assert.True(error == 0, $"pinning a faulting thread to CPU {cpu} failed: errno {error}");
        return body();
    }

    /// <summary>
    /// Reads one byte of each page (until <paramref name="stop"/> is set), through <see cref="GcSafeMemory"/> (counted:
    /// the access marks its CPU) or as plain native code; the first wrong byte, or null.
    /// </summary>
    public static unsafe string? ReadEach(TestFaultSource source, ManualResetEventSlim? stop = null, bool counted = true)
    {
        for (int p = 0; p < source.Pages && stop?.IsSet != true; p++)
        {
            byte value;
            if (counted)
            {
                value = GcSafeMemory.ReadByte(source.Page(p) + 5);
            }
            else
            {
                LibcMemory.memmove(&value, (void*)(source.Page(p) + 5), 1);
            }

            if (value != source.Expected(p, 5))
            {
                return $"page {p}: 0x{value:x2}, expected 0x{source.Expected(p, 5):x2}";
            }
        }

        return null;
    }
}
