namespace Uffd.Dispatch;

/// <summary>
/// Something the <see cref="FaultDispatcher"/> serves: a uffd (a region's, later) whose faults a handler thread
/// serves when it is readable.
/// </summary>
internal interface IFaultSource
{
    /// <summary>
    /// The uffd to wait on, opened non-blocking. It must stay open until <see cref="FaultDispatcher.Remove"/> has
    /// returned: the dispatcher removes it from its epoll sets by number.
    /// </summary>
    int Fd { get; }

    /// <summary>
    /// Called on a handler thread when <see cref="Fd"/> is readable: reads it non-blockingly (an empty read is normal:
    /// every handler thread is woken, and another may have taken the messages) and serves what it read, with the
    /// thread's buffers. Several handler threads may pump one source at once. Must not block on another source's
    /// faults, and must not throw: the dispatcher fails the process fast, since a handler that stops leaves faulting
    /// threads hanging. Never called again once <see cref="FaultDispatcher.Remove"/> has returned.
    /// </summary>
    /// <returns>
    /// True when the source deferred work it could not finish now (an install the kernel answered with EAGAIN, which
    /// lasts until the events queued on the uffd are read and applied): the thread then pumps it again soon, whether
    /// or not its fd becomes readable, until a pump returns false.
    /// </returns>
    bool Pump(DispatcherThread thread);

    /// <summary>
    /// Serves a page fault that another handler thread read from <see cref="Fd"/> and handed to
    /// <paramref name="thread"/>, the handler of the CPU it was raised on (FaultDispatcher.HandOff.cs). Same rules as
    /// <see cref="Pump"/>, whose return value it shares.
    /// </summary>
    bool ServeHandedOff(DispatcherThread thread, in PageFaultEvent fault, long readAt);
}
