namespace Uffd.Dispatch;

/// <summary>
/// A source's place in a <see cref="FaultDispatcher"/>: its slot and the slot's generation when it was added, which
/// is also what every epoll event for it carries, so an event read before a Remove never reaches the slot's next source.
/// </summary>
internal readonly record struct FaultSourceRegistration(int Slot, int Generation)
{
    /// <summary>False for <c>default</c>: generations start at 1.</summary>
    public bool IsValid => Generation != 0;

    /// <summary>What the source's epoll events carry: the slot in the low half, the generation in the high half.</summary>
    public ulong EventData => (uint)Slot | ((ulong)(uint)Generation << 32);

    /// <summary>The registration an epoll event's data names.</summary>
    public static FaultSourceRegistration FromEventData(ulong data) => new((int)(uint)data, (int)(data >> 32));
}
