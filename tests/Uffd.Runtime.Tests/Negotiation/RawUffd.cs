using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Negotiation;

/// <summary>
/// A uffd opened and driven with plain system calls, bypassing the runtime's ladder and handshake, so the runtime's
/// answers can be compared with the kernel's own.
/// </summary>
internal sealed unsafe class RawUffd : IDisposable
{
    public RawUffd()
    {
        long number = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? UffdAbi.SYS_userfaultfd_arm64 : UffdAbi.SYS_userfaultfd_x64;
        long fd = Libc.syscall(number, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        if (fd < 0 && Marshal.GetLastPInvokeError() == Errno.EPERM)
        {
            // Unprivileged (the run as nobody): a user-mode-only uffd needs no privilege, and UFFDIO_API answers the same.
            fd = Libc.syscall(number, Libc.O_CLOEXEC | Libc.O_NONBLOCK | UffdAbi.UFFD_USER_MODE_ONLY);
        }

        Assert.True(fd >= 0, $"userfaultfd(2) failed with errno {Marshal.GetLastPInvokeError()}");
        Fd = (int)fd;
    }

    public int Fd { get; }

    /// <summary>UFFDIO_API with <paramref name="features"/>: the ioctl's return, errno and the struct as the kernel left it.</summary>
    public (int Result, int Errno, UffdioApi Api) Api(ulong features) => Api(Fd, features);

    public static (int Result, int Errno, UffdioApi Api) Api(int fd, ulong features)
    {
        var api = new UffdioApi { Api = UffdAbi.UFFD_API, Features = features };
        int result = Libc.ioctl_raw(fd, UffdAbi.UFFDIO_API, &api);
        return (result, result == 0 ? 0 : Marshal.GetLastPInvokeError(), api);
    }

    public void Dispose() => Libc.close(Fd);
}
