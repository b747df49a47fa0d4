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
    void Pump(DispatcherThread thread);
}
