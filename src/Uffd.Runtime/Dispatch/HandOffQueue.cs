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

    /// <summary>Stopwatch timestamp of the hand-off.</summary>
    public long HandedAt;
}

/// <summary>
/// The faults handed to one handler thread, oldest first: any thread adds; the owner takes them one at a time, so
/// that those behind a fault whose serving blocks stay here, where their senders can take them back. A small lock;
/// a fixed ring, so nothing is allocated after construction.
/// </summary>
internal sealed class HandOffQueue
{
    /// <summary>Faults waiting at most; a full queue refuses and the reader serves the fault itself.</summary>
    public const int Capacity = 64;

    private readonly object gate = new();
    private readonly HandedOffFault[] items = new HandedOffFault[Capacity];
    private int head;
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

            items[(head + count) % Capacity] = fault;
            count++;
            return true;
        }
    }

    /// <summary>Takes the oldest waiting fault, if any.</summary>
    public bool TryTake(out HandedOffFault fault)
    {
        lock (gate)
        {
            if (count == 0)
            {
                fault = default;
                return false;
            }

            fault = items[head];
            head = (head + 1) % Capacity;
            count--;
            return true;
        }
    }

    /// <summary>
    /// Moves the faults handed off before <paramref name="before"/> into <paramref name="into"/> (at least
    /// <see cref="Capacity"/> long), oldest first, and keeps the others in order.
    /// </summary>
    public int TakeHandedBefore(long before, Span<HandedOffFault> into)
    {
        lock (gate)
        {
            int taken = 0, kept = 0;
            for (int i = 0; i < count; i++)
            {
                HandedOffFault fault = items[(head + i) % Capacity];
                if (fault.HandedAt < before)
                {
                    into[taken++] = fault;
                }
                else
                {
                    // Kept ones move towards the head: slot (head + kept) was read already.
                    items[(head + kept++) % Capacity] = fault;
                }
            }

            count = kept;
            return taken;
        }
    }
}
