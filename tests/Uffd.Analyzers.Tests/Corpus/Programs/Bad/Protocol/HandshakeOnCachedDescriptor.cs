// corpus: expect UFFD0052
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.HandshakeOnCachedDescriptor;

/// <summary>The raw descriptor is cached in a field at construction and handshaken again later.</summary>
public sealed unsafe class RawView
{
    private const uint UFFDIO_API = 0xC018AA3F;
    private readonly int _fd;

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, uint request, ulong* argument);

    public RawView(Userfaultfd uffd)
    {
        _fd = uffd.Handle.DangerousGetFd();
    }

    public ulong Ioctls()
    {
        ulong* api = stackalloc ulong[3];
        api[0] = 0xAA;
        return ioctl(_fd, UFFDIO_API, api) == 0 ? api[2] : 0;
    }
}
