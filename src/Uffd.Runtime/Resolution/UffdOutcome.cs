namespace Uffd;

/// <summary>What a resolution ioctl (COPY, ZEROPAGE, CONTINUE, POISON, MOVE, WRITEPROTECT) did.</summary>
public enum UffdOutcome : byte
{
    /// <summary>The whole range was resolved; its waiters were woken unless the call said DontWake.</summary>
    Done,

    /// <summary>
    /// EAGAIN after <see cref="UffdResult.BytesDone"/> bytes: that much is mapped and woken. Resubmit the rest;
    /// the next call usually reports why it stopped (often <see cref="AlreadyPresent"/>).
    /// </summary>
    Partial,

    /// <summary>
    /// EEXIST: the first page is already present (another resolver won the race). Nothing was installed and
    /// <b>nobody was woken</b>: call <see cref="Userfaultfd.Wake"/> for the range, or the faulting threads may sleep forever.
    /// </summary>
    AlreadyPresent,

    /// <summary>
    /// EAGAIN with no progress: the address space is changing under the call. Usually a non-cooperative event
    /// (fork, mremap, madvise, munmap) is pending or still finishing: read and handle the events, then retry. It has
    /// also been seen, rarely, with no event feature enabled while another thread ran MADV_DONTNEED on the range:
    /// retry then too. Nothing was done and the fault is still waiting.
    /// </summary>
    RetryAfterEvents,

    /// <summary>ESRCH: the address space the uffd serves has exited. Terminal for this uffd.</summary>
    TargetGone,

    /// <summary>
    /// ENOENT: the destination is no longer inside one range registered with this uffd (unmapped, unregistered,
    /// remapped) or, for WRITEPROTECT, not registered in WP mode. Drop the fault.
    /// </summary>
    RangeGone,

    /// <summary>ENOENT from MOVE: the source has a hole; pass <see cref="MoveMode.AllowSourceHoles"/> to accept it.</summary>
    SourceHole,

    /// <summary>
    /// EFAULT: the source is unreadable in this process, a shmem destination lies beyond the file size, or (CONTINUE)
    /// the page-cache page does not exist.
    /// </summary>
    Fault,

    /// <summary>EBUSY from MOVE: a source page is shared (after fork), KSM-merged or pinned.</summary>
    SourceBusy,

    /// <summary>ENOMEM: the kernel could not allocate or charge a page.</summary>
    OutOfMemory,

    /// <summary>EINTR: a fatal signal is pending for the calling thread.</summary>
    Interrupted,

    /// <summary>Any other errno (see <see cref="UffdResult.Errno"/>).</summary>
    Failed,
}
