using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

public sealed partial class Userfaultfd
{
    /// <summary>
    /// UFFDIO_COPY: atomically fills <c>[destination, destination + length)</c> from <paramref name="source"/>, which
    /// must be readable in this process and must not lie in a registered range that is still missing (the copy
    /// would fault on itself). Stops at the first page already present.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The two Copy overloads differ in the source (an address and a length, or a span), so no call is ambiguous.")]
    public unsafe UffdResult Copy(nint destination, nint source, long length, CopyMode mode = CopyMode.None)
    {
        CheckRange(destination, length, nameof(destination));
        CheckMode((ulong)mode, (ulong)(CopyMode.DontWake | CopyMode.WriteProtect), typeof(CopyMode));
        var args = new UffdioCopy { Dst = (ulong)destination, Src = (ulong)source, Len = (ulong)length, Mode = (ulong)mode, Copy = 0 };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_COPY, &args) == 0)
        {
            return UffdResult.Success(args.Copy);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINVAL
            ? throw ArgumentErrors.Resolve("UFFDIO_COPY", destination, length, (ulong)mode, source)
            : UffdResult.FromError(errno, args.Copy, isMove: false);
    }

    /// <summary>UFFDIO_COPY from a buffer; its length is the copy's length (whole pages).</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The two Copy overloads differ in the source (an address and a length, or a span), so no call is ambiguous.")]
    public unsafe UffdResult Copy(nint destination, ReadOnlySpan<byte> source, CopyMode mode = CopyMode.None)
    {
        fixed (byte* src = source)
        {
            return Copy(destination, (nint)src, source.Length, mode);
        }
    }

    /// <summary>UFFDIO_ZEROPAGE: maps zero pages (the shared zero page on anonymous memory). Not available on hugetlbfs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public unsafe UffdResult ZeroPage(nint start, long length, ZeroPageMode mode = ZeroPageMode.None)
    {
        CheckRange(start, length, nameof(start));
        CheckMode((ulong)mode, (ulong)ZeroPageMode.DontWake, typeof(ZeroPageMode));
        var args = new UffdioZeropage { Range = new UffdioRange { Start = (ulong)start, Len = (ulong)length }, Mode = (ulong)mode, Zeropage = 0 };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_ZEROPAGE, &args) == 0)
        {
            return UffdResult.Success(args.Zeropage);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINVAL
            ? throw ArgumentErrors.Resolve("UFFDIO_ZEROPAGE", start, length, (ulong)mode)
            : UffdResult.FromError(errno, args.Zeropage, isMove: false);
    }

    /// <summary>
    /// UFFDIO_WAKE: wakes every thread waiting on a fault in the range, whether or not its message was read. Needed
    /// after any DontWake resolution and after <see cref="UffdOutcome.AlreadyPresent"/>. Succeeds when nobody waits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public unsafe void Wake(nint start, long length)
    {
        CheckRange(start, length, nameof(start));
        var range = new UffdioRange { Start = (ulong)start, Len = (ulong)length };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_WAKE, &range) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == Errno.EINVAL
                ? ArgumentErrors.Resolve("UFFDIO_WAKE", start, length, 0)
                : new UffdException($"UFFDIO_WAKE failed: {Errno.Describe(errno)}.", errno);
        }
    }

    /// <summary>
    /// UFFDIO_WRITEPROTECT with mode WP: protects the range so writes raise WP faults. On anonymous memory, pages that
    /// were never populated are protected only with <see cref="UffdFeatures.WPUnpopulated"/> enabled.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public UffdResult WriteProtect(nint start, long length) =>
        ChangeProtection(start, length, UffdAbi.UFFDIO_WRITEPROTECT_MODE_WP);

    /// <summary>
    /// UFFDIO_WRITEPROTECT with mode 0: unprotects the range, which resolves WP faults, and wakes the writers unless
    /// <paramref name="wake"/> is false (then <see cref="Wake"/> must follow).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public UffdResult RemoveWriteProtection(nint start, long length, bool wake = true) =>
        ChangeProtection(start, length, wake ? 0 : UffdAbi.UFFDIO_WRITEPROTECT_MODE_DONTWAKE);

    /// <summary>
    /// UFFDIO_CONTINUE: maps pages that already exist in the page cache (filled through the alias mapping), which
    /// resolves MINOR faults. <see cref="UffdOutcome.Fault"/> means the page-cache page does not exist.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public unsafe UffdResult Continue(nint start, long length, ContinueMode mode = ContinueMode.None)
    {
        CheckRange(start, length, nameof(start));
        CheckMode((ulong)mode, (ulong)(ContinueMode.DontWake | ContinueMode.WriteProtect), typeof(ContinueMode));
        var args = new UffdioContinue { Range = new UffdioRange { Start = (ulong)start, Len = (ulong)length }, Mode = (ulong)mode, Mapped = 0 };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_CONTINUE, &args) == 0)
        {
            return UffdResult.Success(args.Mapped);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINVAL
            ? throw ArgumentErrors.Resolve("UFFDIO_CONTINUE", start, length, (ulong)mode)
            : UffdResult.FromError(errno, args.Mapped, isMove: false);
    }

    /// <summary>
    /// UFFDIO_POISON: marks missing pages poisoned. A later user access gets SIGBUS, a kernel access EFAULT.
    /// A COPY can still fill a poisoned page later.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public unsafe UffdResult Poison(nint start, long length, PoisonMode mode = PoisonMode.None)
    {
        CheckRange(start, length, nameof(start));
        CheckMode((ulong)mode, (ulong)PoisonMode.DontWake, typeof(PoisonMode));
        var args = new UffdioPoison { Range = new UffdioRange { Start = (ulong)start, Len = (ulong)length }, Mode = (ulong)mode, Updated = 0 };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_POISON, &args) == 0)
        {
            return UffdResult.Success(args.Updated);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINVAL
            ? throw ArgumentErrors.Resolve("UFFDIO_POISON", start, length, (ulong)mode)
            : UffdResult.FromError(errno, args.Updated, isMove: false);
    }

    /// <summary>
    /// UFFDIO_MOVE: moves pages (without copying) from <paramref name="source"/> to the missing destination. Private
    /// anonymous memory of this process only; the source must not be shared with a forked child (MADV_DONTFORK it)
    /// and reads as empty afterwards.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public unsafe UffdResult Move(nint destination, nint source, long length, MoveMode mode = MoveMode.None)
    {
        CheckRange(destination, length, nameof(destination));
        if ((source & (BasePageSize - 1)) != 0)
        {
            throw new ArgumentException($"source 0x{source:x} is not aligned to the page size ({BasePageSize}): MOVE remaps whole pages.", nameof(source));
        }

        CheckMode((ulong)mode, (ulong)(MoveMode.DontWake | MoveMode.AllowSourceHoles), typeof(MoveMode));
        var args = new UffdioMove { Dst = (ulong)destination, Src = (ulong)source, Len = (ulong)length, Mode = (ulong)mode, Move = 0 };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_MOVE, &args) == 0)
        {
            return UffdResult.Success(args.Move);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINVAL
            ? throw ArgumentErrors.Resolve("UFFDIO_MOVE", destination, length, (ulong)mode, source)
            : UffdResult.FromError(errno, args.Move, isMove: true);
    }

    private unsafe UffdResult ChangeProtection(nint start, long length, ulong mode)
    {
        CheckRange(start, length, nameof(start));
        var args = new UffdioWriteprotect { Range = new UffdioRange { Start = (ulong)start, Len = (ulong)length }, Mode = mode };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_WRITEPROTECT, &args) == 0)
        {
            return UffdResult.Success(length);
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINVAL
            ? throw ArgumentErrors.Resolve("UFFDIO_WRITEPROTECT", start, length, mode)
            : UffdResult.FromError(errno, 0, isMove: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckMode(ulong mode, ulong allowed, Type modeType)
    {
        if ((mode & ~allowed) != 0)
        {
            throw ArgumentErrors.UndefinedModeBits(modeType, mode, allowed);
        }
    }
}
