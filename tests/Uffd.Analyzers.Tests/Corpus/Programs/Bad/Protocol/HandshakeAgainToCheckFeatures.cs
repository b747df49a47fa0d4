// corpus: expect UFFD0052
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.HandshakeAgainToCheckFeatures;

/// <summary>"Ask the kernel again which features this uffd has", the man page way: EINVAL on the runtime's uffd.</summary>
public static unsafe class FeatureCheck
{
    private const ulong UFFDIO_API = 0xC018AA3F;

    [StructLayout(LayoutKind.Sequential)]
    private struct UffdioApi
    {
        public ulong Api;
        public ulong Features;
        public ulong Ioctls;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, ulong request, UffdioApi* argument);

    public static bool HasWriteProtect(Userfaultfd uffd)
    {
        var api = new UffdioApi { Api = 0xAA };
        if (ioctl(uffd.Handle.DangerousGetFd(), UFFDIO_API, &api) != 0)
        {
            throw new UffdException("UFFDIO_API failed", Marshal.GetLastPInvokeError());
        }

        return (api.Features & (ulong)UffdFeatures.PageFaultFlagWP) != 0;
    }
}
