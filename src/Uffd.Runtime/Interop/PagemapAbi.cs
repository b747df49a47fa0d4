using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// The ABI of <c>PAGEMAP_SCAN</c> (<c>&lt;linux/fs.h&gt;</c>, Linux 6.7), an ioctl on <c>/proc/PID/pagemap</c>. The layout
/// test compares the sizes, offsets and request number with what gcc computes from a header that has them.
/// </summary>
internal static class PagemapAbi
{
    /// <summary><c>_IOWR('f', 16, struct pm_scan_arg)</c>.</summary>
    public const ulong PAGEMAP_SCAN = 0xC0606610;

    public const ulong PM_SCAN_WP_MATCHING = 1UL << 0;
    public const ulong PM_SCAN_CHECK_WPASYNC = 1UL << 1;

}

/// <summary><c>struct pm_scan_arg</c>: 96 bytes, every field a <c>__u64</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PmScanArg
{
    public ulong Size;
    public ulong Flags;
    public ulong Start;
    public ulong End;
    public ulong WalkEnd;
    public ulong Vec;
    public ulong VecLen;
    public ulong MaxPages;
    public ulong CategoryInverted;
    public ulong CategoryMask;
    public ulong CategoryAnyofMask;
    public ulong ReturnMask;
}
