using System;
using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// Owns one Linux file descriptor. Closing goes through the SafeHandle reference count, so a descriptor
/// is never closed (and its number reused) while another thread is still inside a system call on it.
/// </summary>
public class FileDescriptorHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; used by interop marshalling.</summary>
    public FileDescriptorHandle() : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    /// <summary>Wraps <paramref name="fd"/>; when <paramref name="ownsHandle"/> is true the handle closes it.</summary>
    public FileDescriptorHandle(int fd, bool ownsHandle) : base(new IntPtr(-1), ownsHandle)
    {
        SetHandle(new IntPtr(fd));
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The descriptor number, for diagnostics and for passing to other native code.</summary>
    public int DangerousGetFd() => (int)handle.ToInt64();

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.close((int)handle.ToInt64()) == 0;
}
