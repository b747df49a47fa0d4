namespace Uffd.Dispatch;

/// <summary>
/// A source's place in a <see cref="FaultDispatcher"/>: its slot and the slot's generation when it was added, which
/// is also what every epoll event for it carries, so an event read before a Remove never reaches the slot's next source.
/// </summary>
internal readonly record struct FaultSourceRegistration(int Slot, int Generation)
{
    /// <summary>False for <c>default</c>: generations start at 1.</summary>
    public bool IsValid => Generation != 0;
}
