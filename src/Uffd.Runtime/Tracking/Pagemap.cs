using System;
using System.Globalization;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// A process's <c>/proc/PID/pagemap</c>: one 64-bit entry per page (<see cref="ReadEntry"/>), and the
/// <c>PAGEMAP_SCAN</c> ioctl (Linux 6.7), which reports runs of pages by category and, for memory registered for
/// asynchronous write protection (<see cref="UffdFeatures.WPAsync"/>), collects the written pages and write-protects
/// them again in the same walk (<see cref="CollectWritten"/>).
/// </summary>
/// <remarks>Every call is one system call and allocates nothing.</remarks>
public sealed unsafe class Pagemap : IDisposable
{
    private readonly FileDescriptorHandle handle;
    private readonly string path;

    private Pagemap(FileDescriptorHandle handle, string path)
    {
        this.handle = handle;
        this.path = path;
    }

    /// <summary>Opens this process's pagemap.</summary>
    public static Pagemap OpenSelf() => Open("/proc/self/pagemap");

    /// <summary>Opens the pagemap of process <paramref name="processId"/> (ptrace access to it is needed).</summary>
    public static Pagemap Open(int processId) =>
        Open("/proc/" + processId.ToString(CultureInfo.InvariantCulture) + "/pagemap");

    private static Pagemap Open(string path)
    {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno is Errno.EACCES or Errno.EPERM
                ? new UffdPermissionException($"Cannot open {path}: {Errno.Describe(errno)}. Another process's pagemap needs ptrace access to it (same user, or CAP_SYS_PTRACE).", errno)
                : new UffdException($"Cannot open {path}: {Errno.Describe(errno)}.", errno);
        }

        return new Pagemap(new FileDescriptorHandle(fd, ownsHandle: true), path);
    }

    /// <summary>The entry of the page holding <paramref name="address"/> (one <c>pread</c>).</summary>
    public PagemapEntry ReadEntry(nint address)
    {
        ulong entry;
        long offset = (long)((ulong)address / (ulong)Environment.SystemPageSize) * sizeof(ulong);
        nint read = Libc.pread(handle, &entry, sizeof(ulong), offset);
        if (read != sizeof(ulong))
        {
            int errno = read < 0 ? Marshal.GetLastPInvokeError() : 0;
            throw new UffdException($"Reading {path} at 0x{address:x} failed: {(read < 0 ? Errno.Describe(errno) : "short read")}.", errno);
        }

        return new PagemapEntry(entry);
    }

    /// <summary>
    /// One <c>PAGEMAP_SCAN</c>: fills <paramref name="regions"/> with the runs of pages of
    /// [<paramref name="request"/>.Start, .End) that match, and returns how many it filled. The walk stops early when
    /// <paramref name="regions"/> is full (or <c>MaxPages</c> is reached); <paramref name="walkEnd"/> says where, so
    /// scanning again from there continues it.
    /// </summary>
    /// <exception cref="UffdException">The kernel predates PAGEMAP_SCAN (Linux 6.7), or the scan failed.</exception>
    /// <exception cref="ArgumentException">The kernel rejected the range or the masks.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range ends before it starts, is longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB), or <c>MaxPages</c> is negative.</exception>
    public int Scan(in PagemapScanRequest request, Span<PageRegion> regions, out nint walkEnd)
    {
        CheckSizes(request);
        fixed (PageRegion* vector = regions)
        {
            var arg = new PmScanArg
            {
                Size = (ulong)sizeof(PmScanArg),
                Flags = (ulong)request.Flags,
                Start = (ulong)request.Start,
                End = (ulong)request.End,
                Vec = (ulong)vector,
                VecLen = (ulong)regions.Length,
                MaxPages = (ulong)request.MaxPages,
                CategoryInverted = (ulong)request.Inverted,
                CategoryMask = (ulong)request.Required,
                CategoryAnyofMask = (ulong)request.AnyOf,
                ReturnMask = (ulong)request.Returned,
            };

            while (true)
            {
                int result = Libc.ioctl(handle, PagemapAbi.PAGEMAP_SCAN, &arg);
                if (result >= 0)
                {
                    walkEnd = (nint)arg.WalkEnd;
                    return result;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                throw ScanError(errno, request);
            }
        }
    }

    /// <summary>
    /// Reports the pages of [<paramref name="start"/>, <paramref name="end"/>) written since they were last
    /// write-protected and write-protects them again in the same walk, so a write that lands after a page was
    /// collected is reported by a later call, never lost. The range must be registered for asynchronous write
    /// protection (EPERM otherwise). Returns how many runs it filled; when <paramref name="regions"/> is full, call
    /// again: the pages already reported are protected again, so the next call continues with the rest.
    /// </summary>
    public int CollectWritten(nint start, nint end, Span<PageRegion> regions, out nint walkEnd) =>
        Scan(new PagemapScanRequest(start, end)
        {
            // PAGE_IS_WRITTEN alone: some kernels report a zapped written page as clean under other masks.
            Required = PageCategories.Written,
            Returned = PageCategories.Written,
            Flags = PagemapScanFlags.WriteProtectMatching | PagemapScanFlags.CheckWriteProtectAsync,
        }, regions, out walkEnd);

    /// <summary>Closes the file.</summary>
    public void Dispose() => handle.Dispose();

    private static void CheckSizes(in PagemapScanRequest request)
    {
        if (request.End < request.Start)
        {
            throw new ArgumentOutOfRangeException(nameof(request),
                $"The scanned range [0x{request.Start:x}, 0x{request.End:x}) ends before it starts: End must not be below Start.");
        }

        long length = request.End - request.Start;
        if (length > UffdLimits.MaxMappingLength)
        {
            // Only here: the description is built for the error alone (it allocated 208 bytes on every scan).
            UffdLimits.CheckMappingLength(length, nameof(request), "Scan the mappings of interest, or in parts.",
                $"The scanned range [0x{request.Start:x}, 0x{request.End:x}) of {length} bytes");
        }
        if (request.MaxPages < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxPages,
                "MaxPages must not be negative: it is the most pages to report, 0 for no limit.");
        }
    }

    private Exception ScanError(int errno, in PagemapScanRequest request) => errno switch
    {
        Errno.ENOTTY => new UffdException(
            $"PAGEMAP_SCAN is not supported by the running kernel (Linux {KernelInfo.Release}); it needs Linux 6.7 or later.", errno),
        Errno.EPERM when (request.Flags & PagemapScanFlags.CheckWriteProtectAsync) != 0 => new UffdException(
            $"PAGEMAP_SCAN of [0x{request.Start:x}, 0x{request.End:x}) found memory not registered for asynchronous write protection " +
            "(register it with RegisterMode.WriteProtect on a uffd created with UffdFeatures.WPAsync).", errno),
        Errno.EINVAL => new ArgumentException(
            $"PAGEMAP_SCAN rejected [0x{request.Start:x}, 0x{request.End:x}) with masks 0x{(ulong)request.Required:x}/0x{(ulong)request.AnyOf:x}/0x{(ulong)request.Returned:x}: " +
            "the range must be page-aligned and the masks known to this kernel.", nameof(request)),
        _ => new UffdException($"PAGEMAP_SCAN on {path} failed: {Errno.Describe(errno)}.", errno),
    };
}

/// <summary>What to scan for: the range, the categories a page must have, and what to do with the matches.</summary>
/// <param name="Start">First byte (page-aligned).</param>
/// <param name="End">One past the last byte (page-aligned).</param>
public readonly record struct PagemapScanRequest(nint Start, nint End)
{
    /// <summary>Categories every reported page has (after <see cref="Inverted"/>): the kernel's <c>category_mask</c>.</summary>
    public PageCategories Required { get; init; }

    /// <summary>Categories of which a reported page has at least one (<c>category_anyof_mask</c>); none means no such condition.</summary>
    public PageCategories AnyOf { get; init; }

    /// <summary>Categories that match when the page does not have them (<c>category_inverted</c>).</summary>
    public PageCategories Inverted { get; init; }

    /// <summary>Categories reported in <see cref="PageRegion.Categories"/>; runs are split where these differ.</summary>
    public PageCategories Returned { get; init; }

    /// <summary>What to do besides reporting.</summary>
    public PagemapScanFlags Flags { get; init; }

    /// <summary>Stop after this many pages (0: no limit).</summary>
    public long MaxPages { get; init; }
}

/// <summary>One <c>/proc/PID/pagemap</c> entry (bits as Documentation/admin-guide/mm/pagemap.rst gives them).</summary>
/// <param name="Raw">The 64-bit entry as the kernel wrote it.</param>
public readonly record struct PagemapEntry(ulong Raw)
{
    private const ulong FrameNumberMask = (1UL << 55) - 1;
    private const int SoftDirtyBit = 55;
    private const int ExclusiveBit = 56;
    private const int UffdWriteProtectBit = 57;
    private const int FileOrSharedAnonymousBit = 61;
    private const int SwappedBit = 62;
    private const int PresentBit = 63;

    /// <summary>The page is mapped (bit 63).</summary>
    public bool IsPresent => Bit(PresentBit);

    /// <summary>The page is swapped out, or the entry is a marker (bit 62).</summary>
    public bool IsSwapped => Bit(SwappedBit);

    /// <summary>A file page or shared anonymous page (bit 61).</summary>
    public bool IsFileOrSharedAnonymous => Bit(FileOrSharedAnonymousBit);

    /// <summary>Mapped exclusively by this process (bit 56).</summary>
    public bool IsExclusive => Bit(ExclusiveBit);

    /// <summary>Soft-dirty (bit 55).</summary>
    public bool IsSoftDirty => Bit(SoftDirtyBit);

    /// <summary>userfaultfd write-protected (bit 57): with asynchronous write protection, false means written.</summary>
    public bool IsUffdWriteProtected => Bit(UffdWriteProtectBit);

    /// <summary>The page frame number, when present (0 without CAP_SYS_ADMIN).</summary>
    public ulong FrameNumber => IsPresent ? Raw & FrameNumberMask : 0;

    private bool Bit(int bit) => (Raw >> bit & 1) != 0;
}
