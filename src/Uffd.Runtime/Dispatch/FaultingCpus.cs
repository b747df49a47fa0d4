using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Dispatch;

/// <summary>
/// Which CPUs have a thread inside a native access to memory that may fault (<see cref="GcSafeMemory"/>: every
/// documented way for .NET code to touch a region), so that a dispatcher's handler on another CPU can step aside
/// instead of being woken for every one of those faults (see FaultDispatcher.Parking.cs), and which CPU each such
/// thread is on, so that a fault read on the wrong CPU can be handed to the right one (FaultDispatcher.HandOff.cs).
/// </summary>
/// <remarks>
/// <para>
/// One counter per CPU on a cache line of its own, so the threads of different CPUs never share a written line; the
/// line also holds how many handler threads pinned to that CPU are parked. An access increments its CPU's counter and
/// then reads the parked count; a handler about to park increments the parked count and then reads the counter. Both
/// are interlocked (full fences), so either the access sees the handler parked and unparks it, or the handler sees the
/// access and does not park. Until a dispatcher that parks or hands faults off exists, an access costs one static read.
/// </para>
/// <para>
/// Each access also records its thread's CPU under the thread's id (one slot per id modulo 1,024, a cache line each),
/// so that a handler that reads a fault can tell from the message's thread id which CPU it was raised on
/// (<see cref="CpuOf"/>; FaultDispatcher.HandOff.cs). Two threads whose ids share a slot overwrite each other; the
/// loser's faults are then served where they are read, as without the record.
/// </para>
/// </remarks>
internal static partial class FaultingCpus
{
    /// <summary>CPUs tracked (CPU_SETSIZE); an access on a higher CPU number is not counted.</summary>
    public const int MaxCpus = 1024;

    private const int Stride = 16;
    private const int ParkedOffset = 1;

    private const int ThreadSlots = 1024;
    private const int ThreadSlotStride = 8;

    private static readonly object RegistrationGate = new();
    private static int[]? lines;
    private static long[]? threadCpus;

    [System.ThreadStatic]
    private static int ownThreadId;
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

        int tid = ownThreadId != 0 ? ownThreadId : OwnThreadIdFirstTime();
        Volatile.Write(ref threadCpus![(tid & (ThreadSlots - 1)) * ThreadSlotStride], ((long)tid << 32) | (uint)cpu);
        return cpu;
    }

    /// <summary>The CPU on which thread <paramref name="tid"/> last entered an access, or -1 when none is recorded.</summary>
    public static int CpuOf(int tid)
    {
        if (Volatile.Read(ref threadCpus) is not { } cpus || tid <= 0)
        {
            return -1;
        }

        long slot = Volatile.Read(ref cpus[(tid & (ThreadSlots - 1)) * ThreadSlotStride]);
        return (int)(slot >> 32) == tid ? (int)(uint)slot : -1;
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
            Track();
            parkers = [.. parkers, dispatcher];
        }
    }

    /// <summary>From now on accesses are counted and their threads' CPUs recorded (for parking and hand-offs).</summary>
    public static void Track()
    {
        lock (RegistrationGate)
        {
            // The records first: an access that sees the counters uses them too.
            threadCpus ??= new long[ThreadSlots * ThreadSlotStride];
            if (lines is null)
            {
                Volatile.Write(ref lines, new int[MaxCpus * Stride]);
            }
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
    private static int OwnThreadIdFirstTime() => ownThreadId = Interop.Libc.gettid();

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
