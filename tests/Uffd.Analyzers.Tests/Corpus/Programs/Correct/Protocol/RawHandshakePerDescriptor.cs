using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.RawHandshakePerDescriptor;

/// <summary>
/// A feature probe written against the raw system calls, next to the runtime: each probe opens its own
/// userfaultfd, does the UFFDIO_API handshake once on it and closes it. The runtime's own uffd is only asked what
/// it negotiated.
/// </summary>
public static unsafe class FeatureProbe
{
    private const long SysUserfaultfd = 323;
    private const int OCloexec = 0x80000;
    private const int ONonblock = 0x800;
    private const uint UFFDIO_API = 0xC018AA3F;
    private const ulong UffdApiVersion = 0xAA;

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

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    /// <summary>What the kernel would grant for each requested feature set, each on a fresh descriptor.</summary>
    public static ulong[] Probe(params ulong[] requests)
    {
        var granted = new ulong[requests.Length];
        for (int i = 0; i < requests.Length; i++)
        {
            int fd = (int)syscall(SysUserfaultfd, OCloexec | ONonblock);
            if (fd < 0)
            {
                throw new UffdException("userfaultfd(2) failed", Marshal.GetLastPInvokeError());
            }

            try
            {
                var api = new UffdioApi { Api = UffdApiVersion, Features = requests[i] };
                granted[i] = ioctl(fd, UFFDIO_API, &api) == 0 ? api.Features : 0;
            }
            finally
            {
                close(fd);
            }
        }

        return granted;
    }

    public static string Compare()
    {
        using Userfaultfd uffd = Userfaultfd.Create();
        ulong[] raw = Probe(0, (ulong)UffdFeatures.ThreadId);
        return $"runtime enabled {uffd.EnabledFeatures}, supported {uffd.SupportedFeatures}; raw probe {raw[0]:x}, with thread ids {raw[1]:x}";
    }
}
