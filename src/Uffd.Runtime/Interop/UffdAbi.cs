using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// The x86_64 / arm64 ABI of <c>&lt;linux/userfaultfd.h&gt;</c>. The layout test compares every size,
/// offset and request number here with what gcc computes from the installed header.
/// </summary>
internal static class UffdAbi
{
    public const ulong UFFD_API = 0xAA;

    public const long SYS_userfaultfd_x64 = 323;
    public const long SYS_userfaultfd_arm64 = 282;

    public const int UFFD_USER_MODE_ONLY = 1;

    // _IOC(dir, 0xAA, nr, size) with the generic encoding: dir<<30 | size<<16 | type<<8 | nr.
    // UNREGISTER and WAKE are _IOR although the kernel reads them; the header keeps it that way.
    public const ulong UFFDIO_API = 0xC018AA3F;
    public const ulong UFFDIO_REGISTER = 0xC020AA00;
    public const ulong UFFDIO_UNREGISTER = 0x8010AA01;
    public const ulong UFFDIO_WAKE = 0x8010AA02;
    public const ulong UFFDIO_COPY = 0xC028AA03;
    public const ulong UFFDIO_ZEROPAGE = 0xC020AA04;
    public const ulong UFFDIO_MOVE = 0xC028AA05;
    public const ulong UFFDIO_WRITEPROTECT = 0xC018AA06;
    public const ulong UFFDIO_CONTINUE = 0xC020AA07;
    public const ulong UFFDIO_POISON = 0xC020AA08;
    public const ulong USERFAULTFD_IOC_NEW = 0xAA00;

    public const ulong UFFDIO_COPY_MODE_DONTWAKE = 1UL << 0;
    public const ulong UFFDIO_COPY_MODE_WP = 1UL << 1;
    public const ulong UFFDIO_ZEROPAGE_MODE_DONTWAKE = 1UL << 0;
    public const ulong UFFDIO_WRITEPROTECT_MODE_WP = 1UL << 0;
    public const ulong UFFDIO_WRITEPROTECT_MODE_DONTWAKE = 1UL << 1;
    public const ulong UFFDIO_CONTINUE_MODE_DONTWAKE = 1UL << 0;
    public const ulong UFFDIO_CONTINUE_MODE_WP = 1UL << 1;
    public const ulong UFFDIO_POISON_MODE_DONTWAKE = 1UL << 0;
    public const ulong UFFDIO_MOVE_MODE_DONTWAKE = 1UL << 0;
    public const ulong UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES = 1UL << 1;

    public const int MessageSize = 32;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioApi
{
    public ulong Api;
    public ulong Features;
    public ulong Ioctls;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioRange
{
    public ulong Start;
    public ulong Len;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioRegister
{
    public UffdioRange Range;
    public ulong Mode;
    public ulong Ioctls;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioCopy
{
    public ulong Dst;
    public ulong Src;
    public ulong Len;
    public ulong Mode;
    public long Copy;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioZeropage
{
    public UffdioRange Range;
    public ulong Mode;
    public long Zeropage;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioWriteprotect
{
    public UffdioRange Range;
    public ulong Mode;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioContinue
{
    public UffdioRange Range;
    public ulong Mode;
    public long Mapped;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioPoison
{
    public UffdioRange Range;
    public ulong Mode;
    public long Updated;
}

[StructLayout(LayoutKind.Sequential)]
internal struct UffdioMove
{
    public ulong Dst;
    public ulong Src;
    public ulong Len;
    public ulong Mode;
    public long Move;
}
