using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Dispatch;

/// <summary>
/// Which CPUs have a thread inside a native access to memory that may fault (<see cref="GcSafeMemory"/>: every
/// documented way for .NET code to touch a region), so that a dispatcher's handler on another CPU can step aside
/// instead of being woken for every one of those faults (see FaultDispatcher.Parking.cs).
/// </summary>
/// <remarks>
/// One counter per CPU on a cache line of its own, so the threads of different CPUs never share a written line; the
/// line also holds how many handler threads pinned to that CPU are parked. An access increments its CPU's counter and
/// then reads the parked count; a handler about to park increments the parked count and then reads the counter. Both
/// are interlocked (full fences), so either the access sees the handler parked and unparks it, or the handler sees the
/// access and does not park. Until a dispatcher that parks exists, an access costs one static read.
/// </remarks>
internal static partial class FaultingCpus
{
    /// <summary>CPUs tracked (CPU_SETSIZE); an access on a higher CPU number is not counted.</summary>
    public const int MaxCpus = 1024;

    private const int Stride = 16;
    private const int ParkedOffset = 1;

    private static readonly object RegistrationGate = new();
    private static int[]? lines;
    private static FaultDispatcher[] parkers = [];

    /// <summary>Marks the calling thread's CPU as having a thread in an access; returns it for <see cref="Exit"/> (-1: not counted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Enter()
    {
        int[]? counts = Volatile.Read(ref lines);
        if (counts is null)
        {
            return -1;
        }

        int cpu = sched_getcpu();
        if ((uint)cpu >= MaxCpus)
        {
            return -1;
        }

        Interlocked.Increment(ref counts[cpu * Stride]);
        if (Volatile.Read(ref counts[(cpu * Stride) + ParkedOffset]) != 0)
        {
            Unpark(cpu);
        }

        return cpu;
    }

    /// <summary>Ends the access <see cref="Enter"/> counted (on the CPU it counted, wherever the thread runs now).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Exit(int cpu)
    {
        if (cpu >= 0)
        {
            Interlocked.Decrement(ref lines![cpu * Stride]);
        }
    }

    /// <summary>Threads inside an access on <paramref name="cpu"/> now.</summary>
    public static int InsideOn(int cpu) => lines is { } counts && (uint)cpu < MaxCpus ? Volatile.Read(ref counts[cpu * Stride]) : 0;

    /// <summary>A handler pinned to <paramref name="cpu"/> parks (+1) or unparks (-1); a full fence either way.</summary>
    public static void MarkParked(int cpu, int delta) => Interlocked.Add(ref lines![(cpu * Stride) + ParkedOffset], delta);

    /// <summary>A dispatcher whose handlers park: from now on accesses are counted.</summary>
    public static void Register(FaultDispatcher dispatcher)
    {
        lock (RegistrationGate)
        {
            lines ??= new int[MaxCpus * Stride];
            parkers = [.. parkers, dispatcher];
        }
    }

    public static void Unregister(FaultDispatcher dispatcher)
    {
        lock (RegistrationGate)
        {
            parkers = System.Array.FindAll(parkers, p => !ReferenceEquals(p, dispatcher));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Unpark(int cpu)
    {
        foreach (FaultDispatcher parker in Volatile.Read(ref parkers))
        {
            parker.Unpark(cpu);
        }
    }

    // Never blocks (glibc reads the CPU from rseq or the vDSO), so no GC transition is needed.
    [LibraryImport("libc")]
    [SuppressGCTransition]
    private static partial int sched_getcpu();
}
