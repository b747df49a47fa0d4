using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Uffd.Interop;

namespace Uffd;

/// <summary>Walks the permission ladder: each rung is one way to get a uffd, each failure is remembered for the message.</summary>
internal static class UffdOpener
{
    /// <summary>Opens the first rung of <paramref name="policy"/>'s ladder that works.</summary>
    /// <param name="policy">Which rungs to try.</param>
    /// <param name="region">The region the uffd is for, named in the message when none could be created; null for a plain uffd.</param>
    public static (FileDescriptorHandle Handle, UffdCreationPath Path) Open(UserModeOnlyPolicy policy, string? region = null)
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

        throw new UffdUnavailableException(Explain(policy, failures, Diagnose(failures), region), failures[^1].Errno);
    }

    /// <summary>
    /// Reads what the causes depend on. When the syscall refused a uffd serving kernel faults to a process the privilege
    /// check would refuse anyway, while a seccomp filter is installed, the ladder cannot tell which of the two refused:
    /// a user-mode-only uffd needs no privilege, so one attempt at it (closed at once) tells whether the filter blocks
    /// the syscall itself.
    /// </summary>
    private static CreationEnvironment Diagnose(List<(UffdCreationPath Path, int Errno)> failures)
    {
        CreationEnvironment environment = CreationEnvironment.Read();
        bool triedUserModeOnly = failures.Exists(f => f.Path == UffdCreationPath.SyscallUserModeOnly);
        bool syscallRefused = failures.Exists(f => f.Path == UffdCreationPath.Syscall && f.Errno == Errno.EPERM);
        if (!triedUserModeOnly && syscallRefused && environment.HasSeccompFilter && !environment.PrivilegeAllowsKernelFaults)
        {
            int fd = TryOpen(UffdCreationPath.SyscallUserModeOnly, out int errno);
            if (fd >= 0)
            {
                Libc.close(fd);
            }

            environment = environment with { UserModeOnlySyscallErrno = fd >= 0 ? 0 : errno };
        }

        return environment;
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

    /// <summary>
    /// The message of <see cref="UffdUnavailableException"/>: every attempt, its errno, the cause that applies in
    /// <paramref name="environment"/> and its fix. For a region (<paramref name="region"/> set), it says what the
    /// region's UserModeOnly option asked for and how to accept user-mode-only faults instead.
    /// </summary>
    internal static string Explain(
        UserModeOnlyPolicy policy, List<(UffdCreationPath Path, int Errno)> failures, CreationEnvironment environment, string? region = null)
    {
        int? userModeOnlyErrno = environment.UserModeOnlySyscallErrno;
        foreach ((UffdCreationPath path, int errno) in failures)
        {
            if (path == UffdCreationPath.SyscallUserModeOnly)
            {
                userModeOnlyErrno = errno;
            }
        }

        environment = environment with { UserModeOnlySyscallErrno = userModeOnlyErrno };
        var text = new StringBuilder();
        if (region is null)
        {
            text.Append("No userfaultfd could be created (policy ").Append(policy);
        }
        else if (policy == UserModeOnlyPolicy.Forbid)
        {
            text.Append("Region '").Append(region).Append("' needs a userfaultfd that serves kernel-mode faults (UserModeOnly = Forbid, the default), ")
                .Append("and none could be created (");
        }
        else
        {
            text.Append("Region '").Append(region).Append("': no userfaultfd could be created (UserModeOnly = ").Append(policy);
        }

        text.Append(region is not null && policy == UserModeOnlyPolicy.Forbid ? "" : ", ")
            .Append("Linux ").Append(KernelInfo.Release).Append("). Tried:");
        foreach ((UffdCreationPath path, int errno) in failures)
        {
            text.Append("\n  - ").Append(Describe(path)).Append(": ").Append(Errno.Describe(errno)).Append(". ")
                .Append(Cause(path, errno, environment));
        }

        if (policy == UserModeOnlyPolicy.Forbid)
        {
            text.Append(region is null
                ? "\nIf only faults raised by user-mode code matter, allow user-mode-only (UserModeOnlyPolicy.Allow)."
                : "\nOr accept a user-mode-only uffd knowingly: [FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)] " +
                  "(FaultRegionSettings.UserModeOnly for the engine). The region's accessors make pages present before " +
                  "handing them out, so spans given to system calls still work; a raw pointer from BaseAddress given to " +
                  "a system call then fails with EFAULT on a page never touched.");
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

    private const string SeccompFix =
        "Fix: run with a seccomp profile that allows userfaultfd (container runtimes' default profiles, Docker's among " +
        "them, do not: docker run --security-opt seccomp=PROFILE.json, or a Localhost seccompProfile in Kubernetes), " +
        "or pass /dev/userfaultfd in (docker run --device /dev/userfaultfd) with read/write access for this user.";

    private const string PrivilegeFix =
        "Fix: `sysctl -w vm.unprivileged_userfaultfd=1` (as root; persist it in /etc/sysctl.d), grant CAP_SYS_PTRACE " +
        "(for example `setcap cap_sys_ptrace+ep` on the program, or --cap-add SYS_PTRACE for a container), " +
        "or give this user read/write access to /dev/userfaultfd.";

    private static string Cause(UffdCreationPath path, int errno, CreationEnvironment environment) =>
        path is UffdCreationPath.Device or UffdCreationPath.DeviceUserModeOnly
            ? DeviceCause(errno, environment)
            : SyscallCause(path, errno, environment);

    private static string SyscallCause(UffdCreationPath path, int errno, CreationEnvironment environment)
    {
        bool kernelFaults = path == UffdCreationPath.Syscall;
        if (errno == Errno.EINVAL && !kernelFaults)
        {
            return "UFFD_USER_MODE_ONLY needs Linux 5.11 or later.";
        }

        if (errno is not (Errno.EPERM or Errno.ENOSYS or Errno.EACCES))
        {
            return "An LSM (SELinux, AppArmor) or seccomp policy may be refusing userfaultfd.";
        }

        bool filterBlocksSyscall = environment.UserModeOnlySyscallErrno is Errno.EPERM or Errno.ENOSYS or Errno.EACCES;
        if (kernelFaults && errno == Errno.EPERM && !environment.PrivilegeAllowsKernelFaults)
        {
            // The kernel's own check: CAP_SYS_PTRACE, or the sysctl; user-mode-only uffds are exempt from it.
            string cause =
                "The privilege check refused it: serving kernel-mode faults needs CAP_SYS_PTRACE, which this process " +
                $"{(environment.HasSysPtrace == false ? "does not hold" : "may not hold")}, or vm.unprivileged_userfaultfd=1 " +
                $"(it is {environment.UnprivilegedUserfaultfd?.ToString(CultureInfo.InvariantCulture) ?? "absent"}). {PrivilegeFix}";
            if (environment.HasSeccompFilter && filterBlocksSyscall)
            {
                cause += " A seccomp filter refuses userfaultfd(2) as well (Seccomp: 2, and it refused UFFD_USER_MODE_ONLY too, " +
                         "which needs no privilege), so the sysctl or the capability alone will not do. " + SeccompFix;
            }
            else if (environment.HasSeccompFilter && environment.UserModeOnlySyscallErrno is null)
            {
                cause += " A seccomp filter is installed too (Seccomp: 2) and may refuse the syscall as well.";
            }

            return cause;
        }

        if (errno == Errno.ENOSYS && environment.UnprivilegedUserfaultfd is null && !environment.HasSeccompFilter)
        {
            return "This kernel has no userfaultfd (CONFIG_USERFAULTFD is off, or Linux is older than 4.3).";
        }

        // Not the privilege check: the call needs none, the process passes it, or the syscall is missing altogether.
        string why = errno == Errno.ENOSYS
            ? (environment.UnprivilegedUserfaultfd is null ? "the syscall is reported missing" : "the kernel has userfaultfd (vm.unprivileged_userfaultfd exists), yet the syscall is reported missing")
            : !kernelFaults
                ? "a user-mode-only uffd needs no privilege"
                : environment.HasSysPtrace == true
                    ? "this process holds CAP_SYS_PTRACE, which the privilege check accepts"
                    : "vm.unprivileged_userfaultfd is 1, which lets everyone pass the privilege check";
        return environment.HasSeccompFilter
            ? $"A seccomp filter refuses userfaultfd(2): {why}, and this thread runs under a seccomp filter (Seccomp: 2 in " +
              $"/proc/thread-self/status). {SeccompFix}"
            : $"Refused although {why}, and no seccomp filter is installed: an LSM policy (SELinux, AppArmor) is the likely " +
              "cause; its audit log names the rule.";
    }

    private static string DeviceCause(int errno, CreationEnvironment environment)
    {
        switch (errno)
        {
            case Errno.ENOENT:
                return "/dev/userfaultfd does not exist: it needs Linux 6.1 or later, and a container sees it only when it " +
                       "is passed in (docker run --device /dev/userfaultfd).";
            case Errno.EACCES or Errno.EPERM:
                bool? permits = environment.DevicePermitsReadWrite;
                if (permits == false)
                {
                    return $"/dev/userfaultfd is not accessible to this user: {environment.Device}, and this process runs " +
                           $"as {environment.DescribeCredentials()}, so none of the owner's, the group's or others' " +
                           "read/write bits apply. Fix: give a group of this user read/write access (`chgrp GROUP " +
                           "/dev/userfaultfd && chmod 0660 /dev/userfaultfd`; to keep it across reboots, a udev rule " +
                           "KERNEL==\"userfaultfd\", GROUP=\"GROUP\", MODE=\"0660\"), or use another rung of the ladder.";
                }

                string known = permits == true
                    ? $"Its permissions allow this user ({environment.Device}; {environment.DescribeCredentials()}), so"
                    : "Its permissions could not be checked against this user, but";
                return environment.HasSeccompFilter
                    ? $"{known} a seccomp filter (Seccomp: 2) is the likely cause, refusing the open or USERFAULTFD_IOC_NEW. {SeccompFix}"
                    : $"{known} an LSM policy (SELinux, AppArmor) or a container's device cgroup refuses it.";
            default:
                return "An LSM (SELinux, AppArmor) or seccomp policy may be refusing userfaultfd.";
        }
    }
}
