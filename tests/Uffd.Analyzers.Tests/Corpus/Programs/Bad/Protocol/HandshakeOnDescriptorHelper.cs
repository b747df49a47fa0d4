// corpus: expect UFFD0052
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.HandshakeOnDescriptorHelper;

/// <summary>The descriptor comes from a small helper over the runtime's handle.</summary>
public static unsafe class Diagnostics
{
    private const uint UFFDIO_API = 0xC018AA3F;

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, uint request, ulong* argument);

    private static int DescriptorOf(Userfaultfd uffd) => uffd.Handle.DangerousGetFd();

    public static string Describe(Userfaultfd uffd)
    {
        ulong* api = stackalloc ulong[3];
        api[0] = 0xAA;
        int rc = ioctl(DescriptorOf(uffd), UFFDIO_API, api);
        return rc == 0 ? $"features {api[1]:x}, ioctls {api[2]:x}" : $"UFFDIO_API: errno {Marshal.GetLastPInvokeError()}";
    }
}
