using System.Diagnostics;
using System.IO;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Ladder;

/// <summary>
/// The message of UffdUnavailableException, built in-process from chosen failures and a chosen environment (the
/// sysctl, the capabilities, the seccomp mode, the credentials and the device's ownership): one line per attempt with
/// its errno, the one cause that applies there and its fix. The ladder tests run the same causes for real in a child.
/// </summary>
public sealed class UnavailableMessageTests
{
    private const ulong AllCapabilities = 0x1ff_ffff_ffff;
    private static readonly DeviceOwnership RootOnlyDevice = new(0, 0, (UnixFileMode)Convert.ToInt32("600", 8));

    /// <summary>An unprivileged user on a default machine: sysctl 0, no capabilities, no filter, the device 0600 root:root.</summary>
    private static readonly CreationEnvironment Nobody = new(
        UnprivilegedUserfaultfd: 0, CapEff: 0, Seccomp: 0, Uid: 65534, Gid: 65534, Groups: new uint[] { 65534 }, Device: RootOnlyDevice);

    /// <summary>Root with every capability.</summary>
    private static readonly CreationEnvironment Root = new(
        UnprivilegedUserfaultfd: 0, CapEff: AllCapabilities, Seccomp: 0, Uid: 0, Gid: 0, Groups: new uint[] { 0 }, Device: RootOnlyDevice);

    [Fact]
    public void Nobody_forbidding_user_mode_only_is_told_the_sysctl_the_capability_and_the_device_permissions_and_not_seccomp()
    {
        string[] lines = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new()
        {
            (UffdCreationPath.Syscall, Errno.EPERM),
            (UffdCreationPath.Device, Errno.EACCES),
        }, Nobody).Split('\n');

        Assert.Equal(4, lines.Length);
        Assert.Equal($"No userfaultfd could be created (policy Forbid, Linux {KernelInfo.Release}). Tried:", lines[0]);
        Assert.Equal(
            $"  - userfaultfd(2) serving kernel-mode faults: {Errno.Describe(Errno.EPERM)}. The privilege check refused it: " +
            "serving kernel-mode faults needs CAP_SYS_PTRACE, which this process does not hold, or vm.unprivileged_userfaultfd=1 " +
            "(it is 0). Fix: `sysctl -w vm.unprivileged_userfaultfd=1` (as root; persist it in /etc/sysctl.d), grant " +
            "CAP_SYS_PTRACE (for example `setcap cap_sys_ptrace+ep` on the program, or --cap-add SYS_PTRACE for a container), " +
            "or give this user read/write access to /dev/userfaultfd.",
            lines[1]);
        Assert.Equal(
            $"  - /dev/userfaultfd (USERFAULTFD_IOC_NEW): {Errno.Describe(Errno.EACCES)}. /dev/userfaultfd is not accessible " +
            "to this user: mode 0600, owner uid 0, group gid 0, and this process runs as uid 65534, gid 65534, supplementary " +
            "groups 65534, so none of the owner's, the group's or others' read/write bits apply. Fix: give a group of this " +
            "user read/write access (`chgrp GROUP /dev/userfaultfd && chmod 0660 /dev/userfaultfd`; to keep it across " +
            "reboots, a udev rule KERNEL==\"userfaultfd\", GROUP=\"GROUP\", MODE=\"0660\"), or use another rung of the ladder.",
            lines[2]);
        Assert.Equal("If only faults raised by user-mode code matter, allow user-mode-only (UserModeOnlyPolicy.Allow).", lines[3]);
        Assert.DoesNotContain("seccomp", string.Join('\n', lines), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_seccomp_filter_refusing_even_user_mode_only_is_named_on_every_syscall_rung_and_said_to_outweigh_the_sysctl()
    {
        // Docker's default profile as nobody: every userfaultfd(2) gets EPERM; the device is not passed in.
        string[] lines = UffdOpener.Explain(UserModeOnlyPolicy.Allow, new()
        {
            (UffdCreationPath.Syscall, Errno.EPERM),
            (UffdCreationPath.SyscallUserModeOnly, Errno.EPERM),
            (UffdCreationPath.Device, Errno.ENOENT),
        }, Nobody with { Seccomp = 2, Device = null }).Split('\n');

        Assert.Equal(4, lines.Length);
        Assert.Contains("The privilege check refused it", lines[1]);
        Assert.Contains(
            "A seccomp filter refuses userfaultfd(2) as well (Seccomp: 2, and it refused UFFD_USER_MODE_ONLY too, which needs " +
            "no privilege), so the sysctl or the capability alone will not do. Fix: run with a seccomp profile that allows " +
            "userfaultfd", lines[1]);
        Assert.StartsWith(
            $"  - userfaultfd(2) with UFFD_USER_MODE_ONLY: {Errno.Describe(Errno.EPERM)}. A seccomp filter refuses userfaultfd(2): " +
            "a user-mode-only uffd needs no privilege, and this thread runs under a seccomp filter (Seccomp: 2 in " +
            "/proc/thread-self/status). Fix: run with a seccomp profile that allows userfaultfd", lines[2]);
        Assert.DoesNotContain("sysctl", lines[2]);
        Assert.EndsWith(
            "/dev/userfaultfd does not exist: it needs Linux 6.1 or later, and a container sees it only when it is passed in " +
            "(docker run --device /dev/userfaultfd).", lines[3]);
    }

    [Fact]
    public void With_CAP_SYS_PTRACE_a_refusal_is_the_filters_and_the_privilege_check_is_not_mentioned()
    {
        string[] lines = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new()
        {
            (UffdCreationPath.Syscall, Errno.EPERM),
            (UffdCreationPath.Device, Errno.EPERM),
        }, Root with { Seccomp = 2 }).Split('\n');

        Assert.StartsWith(
            $"  - userfaultfd(2) serving kernel-mode faults: {Errno.Describe(Errno.EPERM)}. A seccomp filter refuses userfaultfd(2): " +
            "this process holds CAP_SYS_PTRACE, which the privilege check accepts, and this thread runs under a seccomp filter",
            lines[1]);
        Assert.StartsWith(
            $"  - /dev/userfaultfd (USERFAULTFD_IOC_NEW): {Errno.Describe(Errno.EPERM)}. Its permissions allow this user (mode 0600, " +
            "owner uid 0, group gid 0; uid 0, gid 0, supplementary groups 0), so a seccomp filter (Seccomp: 2) is the likely cause",
            lines[2]);
        Assert.DoesNotContain("privilege check refused", string.Join('\n', lines));
        Assert.DoesNotContain("sysctl -w", string.Join('\n', lines));
    }

    [Fact]
    public void A_filter_that_lets_user_mode_only_through_leaves_only_the_privilege_check_to_blame()
    {
        // Forbid never tries the user-mode-only syscall: the opener tries it once to tell the two apart, and it worked.
        string message = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new() { (UffdCreationPath.Syscall, Errno.EPERM) },
            Nobody with { Seccomp = 2, UserModeOnlySyscallErrno = 0 });

        Assert.Contains("The privilege check refused it", message);
        Assert.DoesNotContain("seccomp", message, StringComparison.OrdinalIgnoreCase);

        string unknown = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new() { (UffdCreationPath.Syscall, Errno.EPERM) },
            Nobody with { Seccomp = 2 });
        Assert.Contains("A seccomp filter is installed too (Seccomp: 2) and may refuse the syscall as well.", unknown);
    }

    [Fact]
    public void Refused_although_the_sysctl_allows_and_no_filter_is_installed_points_at_an_LSM()
    {
        string message = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new() { (UffdCreationPath.Syscall, Errno.EPERM) },
            Nobody with { UnprivilegedUserfaultfd = 1 });

        Assert.Contains(
            "Refused although vm.unprivileged_userfaultfd is 1, which lets everyone pass the privilege check, and no seccomp " +
            "filter is installed: an LSM policy (SELinux, AppArmor) is the likely cause", message);
    }

    [Fact]
    public void ENOSYS_is_a_filter_when_the_kernel_has_userfaultfd_and_a_missing_config_when_it_does_not()
    {
        string filtered = UffdOpener.Explain(UserModeOnlyPolicy.Require, new() { (UffdCreationPath.SyscallUserModeOnly, Errno.ENOSYS) },
            Nobody with { Seccomp = 2 });
        Assert.Contains(
            "A seccomp filter refuses userfaultfd(2): the kernel has userfaultfd (vm.unprivileged_userfaultfd exists), yet the " +
            "syscall is reported missing, and this thread runs under a seccomp filter", filtered);

        string[] missing = UffdOpener.Explain(UserModeOnlyPolicy.Allow, new()
        {
            (UffdCreationPath.Syscall, Errno.ENOSYS),
            (UffdCreationPath.SyscallUserModeOnly, Errno.ENOSYS),
            (UffdCreationPath.Device, Errno.ENOENT),
        }, Nobody with { UnprivilegedUserfaultfd = null, Device = null }).Split('\n');
        Assert.Equal(4, missing.Length);
        Assert.All(missing[1..3], line =>
        {
            Assert.Contains(Errno.Describe(Errno.ENOSYS), line);
            Assert.EndsWith("This kernel has no userfaultfd (CONFIG_USERFAULTFD is off, or Linux is older than 4.3).", line);
        });
    }

    [Fact]
    public void A_device_whose_group_bits_admit_the_user_is_refused_by_something_else()
    {
        var device = new DeviceOwnership(0, 993, (UnixFileMode)Convert.ToInt32("660", 8));
        string message = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new() { (UffdCreationPath.Device, Errno.EACCES) },
            Nobody with { Groups = new uint[] { 65534, 993 }, Device = device });

        Assert.Contains(
            "Its permissions allow this user (mode 0660, owner uid 0, group gid 993; uid 65534, gid 65534, supplementary groups " +
            "65534,993), so an LSM policy (SELinux, AppArmor) or a container's device cgroup refuses it.", message);
    }

    [Fact]
    public void Require_on_an_old_kernel_names_the_versions_user_mode_only_and_the_device_need()
    {
        string[] lines = UffdOpener.Explain(UserModeOnlyPolicy.Require, new()
        {
            (UffdCreationPath.SyscallUserModeOnly, Errno.EINVAL),
            (UffdCreationPath.DeviceUserModeOnly, Errno.ENOENT),
        }, Root).Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("No userfaultfd could be created (policy Require, ", lines[0]);
        Assert.Equal($"  - userfaultfd(2) with UFFD_USER_MODE_ONLY: {Errno.Describe(Errno.EINVAL)}. UFFD_USER_MODE_ONLY needs Linux 5.11 or later.", lines[1]);
        Assert.StartsWith($"  - /dev/userfaultfd with UFFD_USER_MODE_ONLY: {Errno.Describe(Errno.ENOENT)}. /dev/userfaultfd does not exist: it needs Linux 6.1 or later", lines[2]);
    }

    [Fact]
    public void A_region_is_named_with_what_its_option_asked_for_and_how_to_accept_user_mode_only_instead()
    {
        string[] lines = UffdOpener.Explain(UserModeOnlyPolicy.Forbid, new()
        {
            (UffdCreationPath.Syscall, Errno.EPERM),
            (UffdCreationPath.Device, Errno.EACCES),
        }, Nobody, region: "Letters").Split('\n');

        Assert.Equal(4, lines.Length);
        Assert.Equal(
            "Region 'Letters' needs a userfaultfd that serves kernel-mode faults (UserModeOnly = Forbid, the default), and none " +
            $"could be created (Linux {KernelInfo.Release}). Tried:", lines[0]);
        Assert.StartsWith("Or accept a user-mode-only uffd knowingly: [FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]", lines[3]);

        string require = UffdOpener.Explain(UserModeOnlyPolicy.Require, new() { (UffdCreationPath.SyscallUserModeOnly, Errno.EINVAL) }, Root, region: "Letters");
        Assert.StartsWith($"Region 'Letters': no userfaultfd could be created (UserModeOnly = Require, Linux {KernelInfo.Release}). Tried:", require);
    }

    [Fact]
    public void The_environment_is_read_from_this_thread()
    {
        CreationEnvironment environment = CreationEnvironment.Read();
        string status = File.ReadAllText("/proc/thread-self/status");

        Assert.Equal(KernelInfo.UnprivilegedUserfaultfd, environment.UnprivilegedUserfaultfd);
        Assert.Equal(0, environment.Seccomp);
        // CAP_SYS_PTRACE (bit 19) read here from the same text, independently of the runtime's parser.
        ulong capEff = Convert.ToUInt64(System.Text.RegularExpressions.Regex.Match(status, @"(?m)^CapEff:\s+([0-9a-f]+)$").Groups[1].Value, 16);
        Assert.Equal((capEff & (1UL << 19)) != 0, environment.HasSysPtrace);
        Assert.Matches($@"(?m)^Uid:\s+\d+\s+\d+\s+\d+\s+{environment.Uid}$", status);
        // The owner and group as stat(1) reads them, so statx's layout is checked against an independent reader.
        var stat = new ProcessStartInfo("stat", new[] { "-c", "%u %g", KernelInfo.DevicePath }) { RedirectStandardOutput = true };
        using Process process = Process.Start(stat)!;
        string[] owner = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        Assert.True(process.WaitForExit(10_000));
        Assert.Equal(new DeviceOwnership(uint.Parse(owner[0]), uint.Parse(owner[1]), File.GetUnixFileMode(KernelInfo.DevicePath)), environment.Device);
    }
}
