using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// The libc entry points the runtime needs. <c>ioctl</c>, <c>syscall</c> and <c>mremap</c> are variadic in C;
/// on x86_64 and arm64 Linux the integer and pointer arguments travel in the same registers either way.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    [LibraryImport(Lib, SetLastError = true)]
    public static partial long syscall(long number, long arg0);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ioctl(SafeHandle fd, ulong request, void* arg);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ioctl(SafeHandle fd, ulong request, nint arg);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int ioctl_raw(int fd, ulong request, void* arg);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint read(SafeHandle fd, void* buffer, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(SafeHandle fd, void* buffer, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint pread(SafeHandle fd, void* buffer, nuint count, long offset);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int open(string path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint mmap(nint address, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint mmap(nint address, nuint length, int prot, int flags, SafeHandle fd, long offset);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int munmap(nint address, nuint length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int mprotect(nint address, nuint length, int prot);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int madvise(nint address, nuint length, int advice);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint mremap(nint oldAddress, nuint oldSize, nuint newSize, int flags, nint newAddress);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int memfd_create(string name, uint flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int ftruncate(SafeHandle fd, long length);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fstatfs(SafeHandle fd, void* buffer);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int eventfd(uint initialValue, int flags);

    [LibraryImport(Lib)]
    public static partial int gettid();

    public const int O_RDONLY = 0x0;
    public const int O_RDWR = 0x2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int PROT_NONE = 0x0;
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;

    public const int MAP_SHARED = 0x01;
    public const int MAP_PRIVATE = 0x02;
    public const int MAP_FIXED = 0x10;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MAP_NORESERVE = 0x4000;
    public static readonly nint MAP_FAILED = -1;

    public const int MADV_DONTNEED = 4;
    public const int MADV_REMOVE = 9;
    public const int MADV_DONTFORK = 10;
    public const int MADV_DOFORK = 11;
    public const int MADV_NOHUGEPAGE = 15;

    public const int MREMAP_MAYMOVE = 1;
    public const int MREMAP_FIXED = 2;

    public const uint MFD_CLOEXEC = 0x1;
    public const uint MFD_HUGETLB = 0x4;

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    public const short POLLIN = 0x1;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    /// <summary>Offset of <c>f_bsize</c> in <c>struct statfs</c> on 64-bit Linux; checked by the layout test.</summary>
    public const int StatfsBlockSizeOffset = 8;
    public const int StatfsSize = 120;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short Revents;
}

/// <summary>
/// Entry points whose whole purpose is to run a memory access outside managed code: a P/Invoke switches the thread
/// to preemptive mode, so a thread blocked in a fault inside one never stalls a GC suspension.
/// </summary>
internal static unsafe partial class LibcMemory
{
    [LibraryImport("libc")]
    public static partial void* memmove(void* destination, void* source, nuint count);

    public const int MADV_POPULATE_READ = 22;
    public const int MADV_POPULATE_WRITE = 23;
}
