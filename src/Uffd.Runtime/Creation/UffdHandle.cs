using System;
using System.Collections.Generic;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// The uffd descriptor plus the ranges registered through it. Release revokes access to ranges that are still
/// registered before closing, so the kernel's "retry as an ordinary fault" on close cannot hand out zero pages.
/// Revocation lives here, not in <see cref="Userfaultfd.Dispose"/>, so a finalized handle is just as safe.
/// </summary>
internal sealed class UffdHandle : FileDescriptorHandle
{
    private readonly object gate = new();
    private readonly List<TrackedRange> ranges = new();
    private readonly bool revokeOnClose;

    public UffdHandle(FileDescriptorHandle opened, bool revokeOnClose)
        : base(TakeOwnership(opened), ownsHandle: true)
    {
        this.revokeOnClose = revokeOnClose;
    }

    /// <summary>Adopts a descriptor whose registrations live in another address space (a FORK child): nothing to revoke.</summary>
    public UffdHandle(int fd) : base(fd, ownsHandle: true)
    {
        revokeOnClose = false;
    }

    internal readonly record struct TrackedRange(nint Start, nint End, RegisterMode Mode);

    /// <summary>The registered mode over any part of <c>[start, end)</c>, or None.</summary>
    public RegisterMode OverlappingMode(nint start, nint end, out TrackedRange overlap)
    {
        lock (gate)
        {
            foreach (TrackedRange r in ranges)
            {
                if (r.Start < end && start < r.End)
                {
                    overlap = r;
                    return r.Mode;
                }
            }
        }

        overlap = default;
        return RegisterMode.None;
    }

    public void Track(nint start, nint end, RegisterMode mode)
    {
        if (revokeOnClose)
        {
            // Revoking reads smaps in Dispose, which may run at the descriptor limit: open it now, while there is room.
            SmapsFile.KeepOpen();
        }

        lock (gate)
        {
            Remove(start, end);
            ranges.Add(new TrackedRange(start, end, mode));
        }
    }

    public void Untrack(nint start, nint end)
    {
        lock (gate)
        {
            Remove(start, end);
        }
    }

    /// <summary>REMAP moved registrations with the mapping: follow them so revocation hits the right addresses.</summary>
    public void Moved(nint from, nint to, long length)
    {
        lock (gate)
        {
            nint end = from + (nint)length;
            for (int i = 0; i < ranges.Count; i++)
            {
                TrackedRange r = ranges[i];
                if (r.Start >= from && r.End <= end)
                {
                    ranges[i] = r with { Start = r.Start - from + to, End = r.End - from + to };
                }
            }
        }
    }

    public TrackedRange[] Snapshot()
    {
        lock (gate)
        {
            return ranges.ToArray();
        }
    }

    protected override bool ReleaseHandle()
    {
        if (revokeOnClose)
        {
            lock (gate)
            {
                // One read of /proc/self/smaps for every range: the file grows with every mapping and thread, so
                // reading it per range made closing a uffd with many ranges quadratic.
                List<VmaInfo>? mappings = ReadMappings();
                foreach (TrackedRange r in ranges)
                {
                    if (mappings is not null && StillRegisteredHere(r, mappings))
                    {
                        Libc.mprotect(r.Start, (nuint)(r.End - r.Start), Libc.PROT_NONE);
                    }
                }

                ranges.Clear();
            }
        }

        return base.ReleaseHandle();
    }

    /// <summary>
    /// True when every mapping of the range is still registered with this uffd. The memory may have been unmapped
    /// without an UNMAP event (the feature is optional) and the addresses reused by someone else, who must not lose
    /// access to them: a mapping nobody registered has no uffd VmFlags, and one registered with another uffd makes a
    /// same-mode UFFDIO_REGISTER fail with EBUSY, while on our own registration it is a no-op.
    /// </summary>
    /// <remarks>
    /// Never throws: ReleaseHandle runs in Dispose and on the finalizer thread, where an exception ends the process.
    /// A range that cannot be checked (smaps unreadable) is left alone: revoking it could take memory from whoever
    /// reuses the addresses, while leaving it is the kernel's own behaviour. At the descriptor limit smaps is still
    /// readable: the first registration opened it for good (<see cref="SmapsFile"/>).
    /// </remarks>
    private unsafe bool StillRegisteredHere(TrackedRange range, List<VmaInfo> mappings)
    {
        nint covered = range.Start;
        foreach (VmaInfo vma in mappings)
        {
            if (vma.End <= range.Start || vma.Start >= range.End)
            {
                continue;
            }

            if (vma.Start > covered || vma.RegisteredModes == RegisterMode.None)
            {
                return false;
            }

            covered = vma.End;
        }

        if (covered < range.End)
        {
            return false;
        }

        var probe = new UffdioRegister
        {
            Range = new UffdioRange { Start = (ulong)range.Start, Len = (ulong)(range.End - range.Start) },
            Mode = (ulong)range.Mode,
        };
        return Libc.ioctl_raw((int)handle.ToInt64(), UffdAbi.UFFDIO_REGISTER, &probe) == 0;
    }

    /// <summary>The mappings overlapping the tracked ranges, from one read of smaps; null when it cannot be read.</summary>
    private List<VmaInfo>? ReadMappings()
    {
        if (ranges.Count == 0)
        {
            return null;
        }

        nint low = ranges[0].Start, high = ranges[0].End;
        foreach (TrackedRange r in ranges)
        {
            low = r.Start < low ? r.Start : low;
            high = r.End > high ? r.End : high;
        }

        try
        {
            return VmaInfo.FindAll(low, high);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private void Remove(nint start, nint end)
    {
        for (int i = ranges.Count - 1; i >= 0; i--)
        {
            TrackedRange r = ranges[i];
            if (r.End <= start || end <= r.Start)
            {
                continue;
            }

            ranges.RemoveAt(i);
            if (r.Start < start)
            {
                ranges.Add(r with { End = start });
            }

            if (end < r.End)
            {
                ranges.Add(r with { Start = end });
            }
        }
    }

    private static int TakeOwnership(FileDescriptorHandle opened)
    {
        int fd = opened.DangerousGetFd();
        opened.SetHandleAsInvalid();
        return fd;
    }
}
