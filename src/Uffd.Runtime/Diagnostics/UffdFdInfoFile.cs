using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// <c>/proc/self/fdinfo/N</c> of a uffd, opened once and read again at offset 0 with <c>pread</c>, which makes proc
/// render it afresh. The region engine keeps one for its whole life: Dispose must read it to know that no thread is
/// left waiting in a fault, and a process at its descriptor limit could not open the file then.
/// </summary>
internal sealed unsafe class UffdFdInfoFile : IDisposable
{
    // A uffd's fdinfo is about 150 bytes (pos, flags, mnt_id, ino, pending, total, API).
    private const int BufferSize = 1024;

    private readonly FileDescriptorHandle handle;
    private readonly string path;

    private UffdFdInfoFile(FileDescriptorHandle handle, string path)
    {
        this.handle = handle;
        this.path = path;
    }

    /// <exception cref="UffdException">The file could not be opened (EMFILE at the descriptor limit, ENOENT without /proc).</exception>
    public static UffdFdInfoFile Open(int uffd)
    {
        string path = "/proc/self/fdinfo/" + uffd.ToString(CultureInfo.InvariantCulture);
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"Cannot open {path}: {Errno.Describe(errno)}.", errno);
        }

        return new UffdFdInfoFile(new FileDescriptorHandle(fd, ownsHandle: true), path);
    }

    /// <summary>Opens, reads and closes: one look at a uffd's counters.</summary>
    public static UffdFdInfo ReadOnce(int uffd)
    {
        using UffdFdInfoFile file = Open(uffd);
        return file.Read();
    }

    /// <exception cref="UffdException">The read failed, or the file is not a uffd's fdinfo.</exception>
    public UffdFdInfo Read()
    {
        byte* buffer = stackalloc byte[BufferSize];
        int length = 0;
        while (length < BufferSize)
        {
            nint read = Libc.pread(handle, buffer + length, (nuint)(BufferSize - length), length);
            if (read < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                throw new UffdException($"Reading {path} failed: {Errno.Describe(errno)}.", errno);
            }

            if (read == 0)
            {
                break;
            }

            length += (int)read;
        }

        return UffdFdInfo.Parse(Encoding.ASCII.GetString(buffer, length), path);
    }

    public void Dispose() => handle.Dispose();
}
