// corpus: expect UFFD0052
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.HandshakeTwiceOnRawDescriptor;

/// <summary>
/// The man page's "probe with 0, then request what is supported" on one raw descriptor: the second UFFDIO_API
/// fails with EINVAL on current kernels.
/// </summary>
public static unsafe class RawUffd
{
    private const uint UFFDIO_API = 0xC018AA3F;

    [StructLayout(LayoutKind.Sequential)]
    private struct UffdioApi
    {
        public ulong Api;
        public ulong Features;
        public ulong Ioctls;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, uint request, UffdioApi* argument);

    public static int OpenWithEverything()
    {
        int fd = (int)syscall(323, 0x80800);
        if (fd < 0)
        {
            throw new UffdException("userfaultfd(2) failed", Marshal.GetLastPInvokeError());
        }

        var probe = new UffdioApi { Api = 0xAA };
        if (ioctl(fd, UFFDIO_API, &probe) != 0)
        {
            throw new UffdException("UFFDIO_API probe failed", Marshal.GetLastPInvokeError());
        }

        var request = new UffdioApi { Api = 0xAA, Features = probe.Features };
        if (ioctl(fd, UFFDIO_API, &request) != 0)
        {
            throw new UffdException("UFFDIO_API failed", Marshal.GetLastPInvokeError());
        }

        return fd;
    }
}
