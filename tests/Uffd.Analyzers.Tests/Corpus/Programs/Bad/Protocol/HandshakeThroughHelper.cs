// corpus: expect UFFD0052
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.HandshakeThroughHelper;

/// <summary>A raw "negotiate" helper written for fresh descriptors, later reused on the runtime's uffd.</summary>
public static unsafe class Negotiation
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
    private static extern int ioctl(int fd, uint request, ref UffdioApi argument);

    private static ulong Negotiate(int fd, ulong features)
    {
        var api = new UffdioApi { Api = 0xAA, Features = features };
        return ioctl(fd, UFFDIO_API, ref api) == 0 ? api.Ioctls : 0;
    }

    public static bool CanMove(Userfaultfd uffd)
    {
        ulong ioctls = Negotiate(uffd.Handle.DangerousGetFd(), (ulong)UffdFeatures.Move);
        return (ioctls & (ulong)UffdIoctls.Move) != 0;
    }
}
