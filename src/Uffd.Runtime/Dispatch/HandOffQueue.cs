using System;

namespace Uffd.Dispatch;

/// <summary>A fault one handler read and passed to the handler of the CPU it was raised on (FaultDispatcher.HandOff.cs).</summary>
internal struct HandedOffFault
{
    /// <summary>The epoll data of the source the fault was read from (its slot and generation).</summary>
    public ulong SourceData;

    public PageFaultEvent Fault;

    /// <summary>The reader's Stopwatch timestamp for the service-time histogram, or 0.</summary>
    public long ReadAt;
}

/// <summary>
/// The faults handed to one handler thread: any thread adds, the owner takes them all at once. A small lock, taken
/// once per hand-off and once per take; fixed capacity, so nothing is allocated after construction.
/// </summary>
internal sealed class HandOffQueue
{
    /// <summary>Faults waiting at most; a full queue refuses and the reader serves the fault itself.</summary>
    public const int Capacity = 64;

    private readonly object gate = new();
    private readonly HandedOffFault[] items = new HandedOffFault[Capacity];
    private int count;

    /// <summary>Faults waiting now (a racy read: the owner's hint to look, and the parking check).</summary>
    public int Count => System.Threading.Volatile.Read(ref count);

    public bool TryAdd(in HandedOffFault fault)
    {
        lock (gate)
        {
            if (count == Capacity)
            {
                return false;
            }

            items[count++] = fault;
            return true;
        }
    }

    /// <summary>Moves every waiting fault into <paramref name="into"/> (at least <see cref="Capacity"/> long), oldest first.</summary>
    public int TakeAll(Span<HandedOffFault> into)
    {
        lock (gate)
        {
            int n = count;
            items.AsSpan(0, n).CopyTo(into);
            count = 0;
            return n;
        }
    }
}
