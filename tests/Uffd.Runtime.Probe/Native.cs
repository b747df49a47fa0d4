using System.Runtime.InteropServices;

namespace Uffd.Runtime.Probe;

/// <summary>The few libc calls the probe needs to make the kernel itself touch registered memory.</summary>
internal static unsafe partial class Native
{
    public const int EFAULT = 14;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);
}
