using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// The truthful result of a resolution ioctl: what happened, how many bytes were done, and the errno.
/// A value type, so the fault path never allocates and never throws for a kernel answer that a handler must expect.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly record struct UffdResult(UffdOutcome Outcome, long BytesDone, int Errno)
{
    /// <summary>True when the whole range was resolved.</summary>
    public bool IsDone => Outcome == UffdOutcome.Done;

    /// <summary>
    /// True when the page is there, either because this call installed it or because someone else had
    /// (<see cref="UffdOutcome.AlreadyPresent"/>, which still needs a WAKE).
    /// </summary>
    public bool IsResolvedOrPresent => Outcome is UffdOutcome.Done or UffdOutcome.AlreadyPresent;

    /// <inheritdoc />
    public override string ToString() => Errno == 0
        ? $"{Outcome} ({BytesDone} bytes)"
        : $"{Outcome} ({BytesDone} bytes, {Interop.Errno.Name(Errno)})";

    internal static UffdResult Success(long bytes) => new(UffdOutcome.Done, bytes, 0);

    /// <summary>
    /// Decodes a failed ioctl. <paramref name="field"/> is the result field, which the kernel writes only once it
    /// reaches the fill code; the caller initialised it to 0, and errno is always authoritative.
    /// </summary>
    internal static UffdResult FromError(int errno, long field, bool isMove)
    {
        switch (errno)
        {
            case Interop.Errno.EAGAIN:
                // Partial progress leaves the byte count; the mmap_changing case writes -EAGAIN (or, before the
                // 2025 fix, nothing). Anything not positive is "no progress", never a huge unsigned count.
                return field > 0
                    ? new UffdResult(UffdOutcome.Partial, field, errno)
                    : new UffdResult(UffdOutcome.RetryAfterEvents, 0, errno);
            case Interop.Errno.EEXIST:
                return new UffdResult(UffdOutcome.AlreadyPresent, 0, errno);
            case Interop.Errno.ESRCH:
                return new UffdResult(UffdOutcome.TargetGone, 0, errno);
            case Interop.Errno.ENOENT:
                return new UffdResult(isMove ? UffdOutcome.SourceHole : UffdOutcome.RangeGone, 0, errno);
            case Interop.Errno.EFAULT:
                return new UffdResult(UffdOutcome.Fault, 0, errno);
            case Interop.Errno.EBUSY:
                return new UffdResult(UffdOutcome.SourceBusy, 0, errno);
            case Interop.Errno.ENOMEM:
                return new UffdResult(UffdOutcome.OutOfMemory, field > 0 ? field : 0, errno);
            case Interop.Errno.EINTR:
                return new UffdResult(UffdOutcome.Interrupted, field > 0 ? field : 0, errno);
            default:
                return new UffdResult(UffdOutcome.Failed, 0, errno);
        }
    }
}
