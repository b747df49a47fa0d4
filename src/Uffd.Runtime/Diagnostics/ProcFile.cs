using System;
using System.Runtime.InteropServices;
using System.Text;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// A file under <c>/proc</c> opened once and read whole again from offset 0 with <c>pread</c>, which makes proc render
/// it afresh. Kept open by whoever must still read it when no descriptor can be opened (the descriptor limit).
/// </summary>
internal sealed unsafe class ProcFile : IDisposable
{
    private const int ChunkSize = 4096;

    private readonly FileDescriptorHandle handle;

    private ProcFile(FileDescriptorHandle handle, string path)
    {
        this.handle = handle;
        Path = path;
    }

    public string Path { get; }

    /// <exception cref="UffdException">The file could not be opened (EMFILE at the descriptor limit, ENOENT without /proc).</exception>
    public static ProcFile Open(string path)
    {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"Cannot open {path}: {Errno.Describe(errno)}.", errno);
        }

        return new ProcFile(new FileDescriptorHandle(fd, ownsHandle: true), path);
    }

    /// <summary>The whole file as it is now. Callers sharing one instance across threads serialize their reads.</summary>
    /// <exception cref="UffdException">The read failed.</exception>
    public string ReadAll()
    {
        byte[] buffer = new byte[ChunkSize];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            nint read;
            fixed (byte* at = &buffer[length])
            {
                read = Libc.pread(handle, at, (nuint)(buffer.Length - length), length);
            }

            if (read < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                throw new UffdException($"Reading {Path} failed: {Errno.Describe(errno)}.", errno);
            }

            if (read == 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, length);
            }

            length += (int)read;
        }
    }

    public void Dispose() => handle.Dispose();
}
