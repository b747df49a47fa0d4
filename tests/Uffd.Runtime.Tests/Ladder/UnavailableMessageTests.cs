using System.IO;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Ladder;

/// <summary>
/// The message of UffdUnavailableException, built in-process from chosen failures (the test host is root, so the
/// ladder itself never fails here): one line per attempt with its errno, the cause and the fix.
/// </summary>
public sealed class UnavailableMessageTests
{
    [Fact]
    public void Forbid_refused_by_syscall_and_device_names_the_sysctl_the_capability_and_the_device_mode()
    {
        string message = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new()
        {
            (UffdCreationPath.Syscall, Errno.EPERM),
            (UffdCreationPath.Device, Errno.EACCES),
        });

        string[] lines = message.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal($"No userfaultfd could be created (policy Forbid, Linux {KernelInfo.Release}). Tried:", lines[0]);
        Assert.Equal(
            $"  - userfaultfd(2) serving kernel-mode faults: {Errno.Describe(Errno.EPERM)}. Serving kernel-mode faults needs " +
            $"CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1 (it is {KernelInfo.UnprivilegedUserfaultfd}). " +
            "Fix: `sysctl -w vm.unprivileged_userfaultfd=1`, run with CAP_SYS_PTRACE, or grant access to /dev/userfaultfd.",
            lines[1]);
        string mode = Convert.ToString((int)File.GetUnixFileMode(KernelInfo.DevicePath), 8).PadLeft(4, '0');
        Assert.Equal(
            $"  - /dev/userfaultfd (USERFAULTFD_IOC_NEW): {Errno.Describe(Errno.EACCES)}. /dev/userfaultfd is not accessible " +
            $"to this user (mode {mode}). Fix: grant read/write access to it (for example a udev rule with a group the user " +
            "is in), or use another rung of the ladder.",
            lines[2]);
        Assert.Equal("If only faults raised by user-mode code matter, allow user-mode-only (UserModeOnlyPolicy.Allow).", lines[3]);
    }

    [Fact]
    public void Require_on_an_old_kernel_names_the_versions_user_mode_only_and_the_device_need()
    {
        string message = UffdOpener.Explain(UserModeOnlyPolicy.Require, new()
        {
            (UffdCreationPath.SyscallUserModeOnly, Errno.EINVAL),
            (UffdCreationPath.DeviceUserModeOnly, Errno.ENOENT),
        });

        string[] lines = message.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("No userfaultfd could be created (policy Require, ", lines[0]);
        Assert.Equal($"  - userfaultfd(2) with UFFD_USER_MODE_ONLY: {Errno.Describe(Errno.EINVAL)}. UFFD_USER_MODE_ONLY needs Linux 5.11 or later.", lines[1]);
        Assert.Equal($"  - /dev/userfaultfd with UFFD_USER_MODE_ONLY: {Errno.Describe(Errno.ENOENT)}. /dev/userfaultfd does not exist: it needs Linux 6.1 or later.", lines[2]);
    }

    [Fact]
    public void A_missing_syscall_points_at_the_kernel_config_and_seccomp()
    {
        string message = UffdOpener.Explain(UserModeOnlyPolicy.Allow, new()
        {
            (UffdCreationPath.Syscall, Errno.ENOSYS),
            (UffdCreationPath.SyscallUserModeOnly, Errno.ENOSYS),
            (UffdCreationPath.Device, Errno.ENOENT),
        });

        string[] lines = message.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.All(lines[1..3], line =>
        {
            Assert.Contains(Errno.Describe(Errno.ENOSYS), line);
            Assert.Contains("CONFIG_USERFAULTFD is off", line);
            Assert.Contains("seccomp filter", line);
        });
        Assert.EndsWith("/dev/userfaultfd does not exist: it needs Linux 6.1 or later.", lines[3]);
    }
}
