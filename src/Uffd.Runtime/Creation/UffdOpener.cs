using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Uffd.Interop;

namespace Uffd;

/// <summary>Walks the permission ladder: each rung is one way to get a uffd, each failure is remembered for the message.</summary>
internal static class UffdOpener
{
    public static (FileDescriptorHandle Handle, UffdCreationPath Path) Open(UserModeOnlyPolicy policy)
    {
        var failures = new List<(UffdCreationPath Path, int Errno)>();
        foreach (UffdCreationPath path in policy.Ladder())
        {
            int fd = TryOpen(path, out int errno);
            if (fd >= 0)
            {
                return (new FileDescriptorHandle(fd, ownsHandle: true), path);
            }

            if (Errno.IsOutOfDescriptors(errno))
            {
                // Not a rung's failure: the next rungs would fail the same way, or, with a descriptor freed meanwhile,
                // hand out a weaker uffd (user-mode-only) than the one this process can have.
                throw new UffdException($"{Describe(path)} failed: {Errno.Describe(errno)}.", errno);
            }

            failures.Add((path, errno));
        }

        throw new UffdUnavailableException(Explain(policy, failures), failures[^1].Errno);
    }

    /// <summary>Opens one rung; returns the fd or -1 with <paramref name="errno"/> set.</summary>
    internal static unsafe int TryOpen(UffdCreationPath path, out int errno)
    {
        int flags = Libc.O_CLOEXEC | Libc.O_NONBLOCK | (path.IsUserModeOnly() ? UffdAbi.UFFD_USER_MODE_ONLY : 0);
        if (path is UffdCreationPath.Syscall or UffdCreationPath.SyscallUserModeOnly)
        {
            long number = RuntimeInformation.ProcessArchitecture == Architecture.Arm64
                ? UffdAbi.SYS_userfaultfd_arm64
                : UffdAbi.SYS_userfaultfd_x64;
            long fd = Libc.syscall(number, flags);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            return (int)fd;
        }

        int device = Libc.open(KernelInfo.DevicePath, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (device < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return -1;
        }

        int uffd = Libc.ioctl_raw(device, UffdAbi.USERFAULTFD_IOC_NEW, (void*)(nint)flags);
        errno = uffd < 0 ? Marshal.GetLastPInvokeError() : 0;
        Libc.close(device);
        return uffd;
    }

    /// <summary>The message of <see cref="UffdUnavailableException"/>: every attempt, its errno, the cause and the fix.</summary>
    internal static string Explain(UserModeOnlyPolicy policy, List<(UffdCreationPath Path, int Errno)> failures)
    {
        var text = new StringBuilder();
        text.Append("No userfaultfd could be created (policy ").Append(policy)
            .Append(", Linux ").Append(KernelInfo.Release).Append("). Tried:");
        foreach ((UffdCreationPath path, int errno) in failures)
        {
            text.Append("\n  - ").Append(Describe(path)).Append(": ").Append(Errno.Describe(errno)).Append(". ")
                .Append(Cause(path, errno));
        }

        if (policy == UserModeOnlyPolicy.Forbid)
        {
            text.Append("\nIf only faults raised by user-mode code matter, allow user-mode-only (UserModeOnlyPolicy.Allow).");
        }

        return text.ToString();
    }

    private static string Describe(UffdCreationPath path) => path switch
    {
        UffdCreationPath.Syscall => "userfaultfd(2) serving kernel-mode faults",
        UffdCreationPath.SyscallUserModeOnly => "userfaultfd(2) with UFFD_USER_MODE_ONLY",
        UffdCreationPath.Device => "/dev/userfaultfd (USERFAULTFD_IOC_NEW)",
        _ => "/dev/userfaultfd with UFFD_USER_MODE_ONLY",
    };

    private static string Cause(UffdCreationPath path, int errno)
    {
        bool device = path is UffdCreationPath.Device or UffdCreationPath.DeviceUserModeOnly;
        switch (errno)
        {
            case Errno.EPERM when !device:
                return $"Serving kernel-mode faults needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1 " +
                       $"(it is {KernelInfo.UnprivilegedUserfaultfd?.ToString() ?? "absent"}). " +
                       "Fix: `sysctl -w vm.unprivileged_userfaultfd=1`, run with CAP_SYS_PTRACE, or grant access to /dev/userfaultfd.";
            case Errno.EINVAL when path.IsUserModeOnly():
                return "UFFD_USER_MODE_ONLY needs Linux 5.11 or later.";
            case Errno.ENOSYS:
                return "This kernel has no userfaultfd (CONFIG_USERFAULTFD is off, Linux is older than 4.3, " +
                       "or a seccomp filter blocks the syscall, as container runtimes often do).";
            case Errno.ENOENT when device:
                return "/dev/userfaultfd does not exist: it needs Linux 6.1 or later.";
            case Errno.EACCES or Errno.EPERM when device:
                return $"/dev/userfaultfd is not accessible to this user ({DeviceMode()}). " +
                       "Fix: grant read/write access to it (for example a udev rule with a group the user is in), " +
                       "or use another rung of the ladder.";
            default:
                return "An LSM (SELinux, AppArmor) or seccomp policy may be refusing userfaultfd.";
        }
    }

    private static string DeviceMode()
    {
        try
        {
            // Octal, as chmod takes it: "mode 0600" says more to an administrator than the flag names.
            return "mode " + System.Convert.ToString((int)File.GetUnixFileMode(KernelInfo.DevicePath), 8).PadLeft(4, '0');
        }
        catch (IOException)
        {
            return "mode unknown";
        }
    }
}
