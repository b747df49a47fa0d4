// corpus: exe
using System;
using System.Runtime.InteropServices;
using Uffd;

namespace Corpus.TwoDescriptorsTwoHandshakes;

/// <summary>Two raw descriptors, one for missing faults and one for write-protect, each negotiated once.</summary>
internal static unsafe class Program
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
    private static extern int ioctl(int fd, uint request, ref UffdioApi argument);

    [DllImport("libc")]
    private static extern int close(int fd);

    private static int Open(ulong features)
    {
        int fd = (int)syscall(323, 0x80800);
        if (fd < 0)
        {
            return -1;
        }

        var api = new UffdioApi { Api = 0xAA, Features = features };
        if (ioctl(fd, UFFDIO_API, ref api) != 0)
        {
            close(fd);
            return -1;
        }

        return fd;
    }

    private static int Main()
    {
        int missing = Open(0);
        int writes = Open((ulong)UffdFeatures.PageFaultFlagWP);
        Console.WriteLine($"missing fd {missing}, write-protect fd {writes}");
        if (missing >= 0) close(missing);
        if (writes >= 0) close(writes);

        using Userfaultfd first = Userfaultfd.Create();
        using Userfaultfd second = Userfaultfd.Create(new UffdOptions { OptionalFeatures = UffdFeatures.ThreadId });
        Console.WriteLine($"{first.EnabledFeatures} / {second.EnabledFeatures}; kernel {Userfaultfd.QuerySupportedFeatures()}");
        return missing >= 0 && writes >= 0 ? 0 : 1;
    }
}
