using System;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>The result of UFFDIO_REGISTER: the range, its modes, and the ioctls the kernel allows on it.</summary>
public readonly record struct UffdRegistration(nint Start, long Length, RegisterMode Mode, UffdIoctls Ioctls)
{
    /// <summary>
    /// True when the kernel advertises <paramref name="ioctl"/> for the range. Necessary, not sufficient: shmem
    /// advertises MOVE, which only works on private anonymous memory.
    /// </summary>
    public bool Allows(UffdIoctls ioctl) => (Ioctls & ioctl) == ioctl;
}

public sealed partial class Userfaultfd
{
    private const RegisterMode KnownRegisterModes = RegisterMode.Missing | RegisterMode.WriteProtect | RegisterMode.Minor;

    /// <summary>Registers <c>[start, start + length)</c> for the faults named by <paramref name="mode"/> (any combination).</summary>
    /// <returns>The registration, with the ioctls the kernel allows on this memory.</returns>
    /// <exception cref="ArgumentException">Unaligned or empty range, no mode, a mode the memory cannot take, or a range already registered with other modes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    /// <exception cref="UffdException">The range belongs to another uffd (EBUSY), the mapping is not writable (EPERM), or the address space is gone (ENOMEM).</exception>
    public unsafe UffdRegistration Register(nint start, long length, RegisterMode mode)
    {
        if (mode == RegisterMode.None)
        {
            throw new ArgumentException(
                "RegisterMode.None registers nothing: the mode must name at least one of Missing, WriteProtect and Minor.", nameof(mode));
        }

        if ((mode & ~KnownRegisterModes) != 0)
        {
            throw ArgumentErrors.UndefinedModeBits(typeof(RegisterMode), (ulong)mode, (ulong)KnownRegisterModes);
        }

        CheckRange(start, length, nameof(start));
        nint end = start + (nint)length;
        RegisterMode existing = handle.OverlappingMode(start, end, out UffdHandle.TrackedRange overlap);
        if (existing != RegisterMode.None && existing != mode)
        {
            // The kernel would silently replace the old modes (or ignore a subset): both lose faults without a word.
            throw new ArgumentException(
                $"[0x{overlap.Start:x}, 0x{overlap.End:x}) is already registered with {existing}; registering it again with {mode} " +
                "would replace the modes, not add to them. Unregister the range first, then register it with every mode it needs.",
                nameof(mode));
        }

        var args = new UffdioRegister
        {
            Range = new UffdioRange { Start = (ulong)start, Len = (ulong)length },
            Mode = (ulong)mode,
        };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_REGISTER, &args) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Errno.EINVAL => ArgumentErrors.Register(start, length, mode),
                Errno.EBUSY => new UffdException(
                    $"[0x{start:x}, +{length}) is already registered with another userfaultfd (EBUSY); a mapping belongs to one uffd at a time.", errno),
                Errno.EPERM => new UffdPermissionException(
                    $"[0x{start:x}, +{length}) cannot be registered (EPERM): the mapping is not writable (a MAP_SHARED mapping of a read-only file or a write-sealed memfd).", errno),
                Errno.ENOMEM => new UffdException(
                    $"Registering [0x{start:x}, +{length}) failed with ENOMEM: the address space has exited, or splitting the mapping hit vm.max_map_count.", errno),
                _ => new UffdException($"UFFDIO_REGISTER failed: {Errno.Describe(errno)}.", errno),
            };
        }

        handle.Track(start, end, mode);
        return new UffdRegistration(start, length, mode, (UffdIoctls)args.Ioctls);
    }

    /// <summary>
    /// Unregisters a range. Threads waiting on MISSING faults there are woken and retry as ordinary faults (anonymous
    /// memory reads zeros); write protection in the range is cleared. A mapped range that was never registered is fine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public unsafe void Unregister(nint start, long length)
    {
        CheckRange(start, length, nameof(start));
        var range = new UffdioRange { Start = (ulong)start, Len = (ulong)length };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_UNREGISTER, &range) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Errno.EINVAL => ArgumentErrors.Unregister(start, length),
                Errno.ENOMEM => new UffdException($"UFFDIO_UNREGISTER failed with ENOMEM: the address space this uffd serves has exited.", errno),
                _ => new UffdException($"UFFDIO_UNREGISTER failed: {Errno.Describe(errno)}.", errno),
            };
        }

        handle.Untrack(start, start + (nint)length);
    }

    /// <summary>Validates what the kernel would reject with EINVAL before asking it, naming the argument and the rule.</summary>
    private static void CheckRange(nint start, long length, string startName)
    {
        if (length <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length,
                "The length must be positive: the kernel rejects empty ranges.");
        }

        UffdLimits.CheckMappingLength(length, nameof(length), "A range lies within mappings, so pass their length, or work in parts.");

        if ((start & (BasePageSize - 1)) != 0)
        {
            throw new ArgumentException(
                $"{startName} 0x{start:x} is not aligned to the page size ({BasePageSize}): round fault addresses down with " +
                "address & ~(pageSize - 1).", startName);
        }

        if ((length & (BasePageSize - 1)) != 0)
        {
            throw new ArgumentException(
                $"length {length} is not a multiple of the page size ({BasePageSize}): the kernel works in whole pages.", nameof(length));
        }
    }
}
