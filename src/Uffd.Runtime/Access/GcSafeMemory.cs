using System;
using System.Runtime.InteropServices;
using Uffd.Dispatch;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// Reads, writes and touches registered memory from native code, so that a thread blocked in a uffd fault is in
/// preemptive mode and can never deadlock the garbage collector.
/// </summary>
/// <remarks>
/// <para>
/// A managed thread blocked in a fault is woken by every GC suspension signal; if the faulting instruction is not
/// at a GC-safe point (most code with calls around a single access is only partially interruptible), the runtime
/// cannot suspend it, so the GC waits for it. The handler thread, coming back from <c>poll</c> into managed code,
/// waits for the GC. Nobody moves: the process hangs. Measured on .NET 10: a partially interruptible access with
/// allocations elsewhere deadlocked in every run within seconds; the same accesses through these methods never did.
/// </para>
/// <para>
/// Plain span access remains fine from tight loops (which the JIT makes fully interruptible) and whenever no other
/// thread can trigger a GC; these methods make it safe everywhere, at the cost of one P/Invoke per call.
/// </para>
/// </remarks>
public static unsafe class GcSafeMemory
{
    /// <summary>Copies <paramref name="destination"/>.Length bytes starting at <paramref name="source"/>.</summary>
    public static void Read(nint source, Span<byte> destination)
    {
        fixed (byte* d = destination)
        {
            int cpu = FaultingCpus.Enter();
            LibcMemory.memmove(d, (void*)source, (nuint)destination.Length);
            FaultingCpus.Exit(cpu);
        }
    }

    /// <summary>Reads one byte at <paramref name="address"/>.</summary>
    public static byte ReadByte(nint address)
    {
        byte value;
        int cpu = FaultingCpus.Enter();
        LibcMemory.memmove(&value, (void*)address, 1);
        FaultingCpus.Exit(cpu);
        return value;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static void Write(nint destination, ReadOnlySpan<byte> source)
    {
        fixed (byte* s = source)
        {
            int cpu = FaultingCpus.Enter();
            LibcMemory.memmove((void*)destination, s, (nuint)source.Length);
            FaultingCpus.Exit(cpu);
        }
    }

    /// <summary>
    /// Faults in every page of <c>[start, start + length)</c> (reading, or writing each page's first byte back to
    /// itself when <paramref name="write"/> is true), one native access per page of <paramref name="pageSize"/> bytes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is not a power of two, or <paramref name="length"/> is negative or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public static void Touch(nint start, long length, int pageSize, bool write = false)
    {
        CheckLength(length);
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must be a power of two.");
        }

        nint first = start & ~(nint)(pageSize - 1);
        for (nint page = first; page < start + (nint)length; page += pageSize)
        {
            byte value;
            int cpu = FaultingCpus.Enter();
            LibcMemory.memmove(&value, (void*)page, 1);
            if (write)
            {
                // A same-value write is still a write fault (WP, or a write miss); the page content is unchanged
                // only if nothing else writes the byte concurrently.
                LibcMemory.memmove((void*)page, &value, 1);
            }

            FaultingCpus.Exit(cpu);
        }
    }

    /// <summary>
    /// Populates a range with one <c>madvise(MADV_POPULATE_READ / WRITE)</c> (Linux 5.14). The faults are raised by
    /// the kernel, so this needs a uffd that serves kernel-mode faults (not user-mode-only); with a user-mode-only uffd
    /// the call fails with EFAULT instead of waiting. Returns 0 or the errno.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public static int Populate(nint start, long length, bool write = false)
    {
        CheckLength(length);
        int advice = write ? LibcMemory.MADV_POPULATE_WRITE : LibcMemory.MADV_POPULATE_READ;
        int cpu = FaultingCpus.Enter();
        int errno = Libc.madvise(start, (nuint)length, advice) == 0 ? 0 : Marshal.GetLastPInvokeError();
        FaultingCpus.Exit(cpu);
        return errno;
    }

    private static void CheckLength(long length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The length must not be negative.");
        }

        UffdLimits.CheckMappingLength(length, nameof(length), "A range lies within mappings, so pass their length, or work in parts.");
    }
}
