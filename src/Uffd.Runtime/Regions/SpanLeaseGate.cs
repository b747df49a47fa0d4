using System;
using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// Keeps a synchronous write-protect region's <c>Protect</c> and its writable span leases apart: a page made writable
/// for a lease must stay writable until the lease ends, because a write through the span to a page protected again
/// would fault in managed code, and a managed thread blocked in a fault can deadlock the process with the GC.
/// </summary>
/// <remarks>
/// One int: the number of open leases, a bit for a Protect waiting for them to end, a bit for a Protect running.
/// A waiting Protect stops new leases (so a stream of short leases cannot starve it) except on threads that already
/// hold one (so a nested lease cannot deadlock with it); a running Protect stops every lease for the length of its
/// ioctl. Leases never wait long: a Protect waits a bounded time and then gives up with an exception.
/// </remarks>
internal sealed class SpanLeaseGate
{
    private const int ExclusiveRunning = 1 << 30;
    private const int ExclusiveWaiting = 1 << 29;
    private const int CountMask = ExclusiveWaiting - 1;

    [ThreadStatic]
    private static HeldLeases? held;

    private int word;

    /// <summary>Open leases (for tests and messages).</summary>
    public int Count => Volatile.Read(ref word) & CountMask;

    /// <summary>True while a Protect waits for the open leases to end (for tests).</summary>
    public bool IsExclusiveWaiting => (Volatile.Read(ref word) & ExclusiveWaiting) != 0;

    /// <summary>True when this thread holds a lease through this gate.</summary>
    public bool IsHeldByCurrentThread => held?.CountOf(this) > 0;

    /// <summary>Opens a lease: waits while a Protect runs, or while one waits unless this thread already holds a lease.</summary>
    public void Enter()
    {
        bool nested = IsHeldByCurrentThread;
        var spinner = new SpinWait();
        while (true)
        {
            int s = Volatile.Read(ref word);
            if ((s & ExclusiveRunning) != 0 || ((s & ExclusiveWaiting) != 0 && !nested))
            {
                spinner.SpinOnce(sleep1Threshold: 30);
                continue;
            }

            if ((s & CountMask) == CountMask)
            {
                throw new InvalidOperationException($"More than {CountMask} span leases are open on one region; dispose them.");
            }

            if (Interlocked.CompareExchange(ref word, s + 1, s) == s)
            {
                (held ??= new HeldLeases()).Add(this);
                return;
            }
        }
    }

    /// <summary>Closes a lease opened by <see cref="Enter"/> on this thread.</summary>
    public void Exit()
    {
        held?.Remove(this);
        Interlocked.Decrement(ref word);
    }

    /// <summary>
    /// Waits until no lease is open and stops new ones, for a Protect. Only one caller at a time (the region's
    /// protection lock). False when leases stayed open for <paramref name="timeout"/>: nothing is stopped then.
    /// </summary>
    public bool TryEnterExclusive(TimeSpan timeout)
    {
        Interlocked.Or(ref word, ExclusiveWaiting);
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var spinner = new SpinWait();
        while (true)
        {
            int s = Volatile.Read(ref word);
            if ((s & CountMask) == 0)
            {
                if (Interlocked.CompareExchange(ref word, (s & ~ExclusiveWaiting) | ExclusiveRunning, s) == s)
                {
                    return true;
                }

                continue;
            }

            if (Environment.TickCount64 > deadline)
            {
                Interlocked.And(ref word, ~ExclusiveWaiting);
                return false;
            }

            spinner.SpinOnce(sleep1Threshold: 30);
        }
    }

    /// <summary>Lets leases open again.</summary>
    public void ExitExclusive() => Interlocked.And(ref word, ~ExclusiveRunning);

    /// <summary>The gates this thread holds leases through, with a count each; a handful at most, so an array.</summary>
    private sealed class HeldLeases
    {
        private SpanLeaseGate?[] gates = new SpanLeaseGate?[4];
        private int[] counts = new int[4];

        public int CountOf(SpanLeaseGate gate)
        {
            for (int i = 0; i < gates.Length; i++)
            {
                if (ReferenceEquals(gates[i], gate))
                {
                    return counts[i];
                }
            }

            return 0;
        }

        public void Add(SpanLeaseGate gate)
        {
            int free = -1;
            for (int i = 0; i < gates.Length; i++)
            {
                if (ReferenceEquals(gates[i], gate))
                {
                    counts[i]++;
                    return;
                }

                if (free < 0 && gates[i] is null)
                {
                    free = i;
                }
            }

            if (free < 0)
            {
                free = gates.Length;
                Array.Resize(ref gates, gates.Length * 2);
                Array.Resize(ref counts, counts.Length * 2);
            }

            gates[free] = gate;
            counts[free] = 1;
        }

        public void Remove(SpanLeaseGate gate)
        {
            for (int i = 0; i < gates.Length; i++)
            {
                if (ReferenceEquals(gates[i], gate))
                {
                    if (--counts[i] == 0)
                    {
                        gates[i] = null;
                    }

                    return;
                }
            }
        }
    }
}
