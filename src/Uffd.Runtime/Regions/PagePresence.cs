using System;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd.Regions;

/// <summary>
/// Asks <c>/proc/self/pagemap</c> whether a page is mapped. Used only when a missing fault arrives for a page the
/// state table says is present: usually a duplicate message (wake it), but a COPY can land in the window between a
/// REMOVE event being read and the kernel's zap, and then the page really is gone. Waking it would make the faulting
/// thread fault again forever; refilling it is the only way out. One pread, no allocation.
/// </summary>
internal sealed unsafe partial class PagePresence : IDisposable
{
    private const ulong Present = 1UL << 63;
    private const ulong Swapped = 1UL << 62;
    private readonly int fd;

    public PagePresence()
    {
        fd = Libc.open("/proc/self/pagemap", Libc.O_CLOEXEC);

        // Bind the pread P/Invoke now, on the opening thread: its first call resolves the native entry point, which
        // allocates, and the first duplicate message may come long after the handlers reached steady state.
        long local = 0;
        IsPresent((nint)(&local));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint pread(int fd, void* buffer, nuint count, long offset);

    /// <summary>False only when pagemap says the page at <paramref name="address"/> is neither mapped nor swapped.</summary>
    public bool IsPresent(nint address)
    {
        if (fd < 0)
        {
            return true;
        }

        ulong entry;
        long offset = (long)((ulong)address / (ulong)Environment.SystemPageSize) * sizeof(ulong);
        if (pread(fd, &entry, sizeof(ulong), offset) != sizeof(ulong))
        {
            return true;
        }

        return (entry & (Present | Swapped)) != 0;
    }

    public void Dispose()
    {
        if (fd >= 0)
        {
            Libc.close(fd);
        }
    }
}
