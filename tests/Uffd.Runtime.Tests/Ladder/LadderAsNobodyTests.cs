using System.IO;

namespace Uffd.Runtime.Tests.Ladder;

/// <summary>
/// An unprivileged user (nobody, no capabilities): user-mode-only uffds need no privilege, so Allow and Require work;
/// Forbid has no rung left and must explain both refusals and how to fix each.
/// </summary>
public sealed class LadderAsNobodyTests : IClassFixture<UnprivilegedUserfaultfdOff>
{
    [Theory]
    [InlineData("allow")]
    [InlineData("require")]
    public void Nobody_gets_a_user_mode_only_uffd_from_the_syscall(string policy)
    {
        CreatedUffd created = Probe.Create(Privilege.Nobody, policy);

        Assert.Equal(new CreatedUffd(UffdCreationPath.SyscallUserModeOnly, true, Userfaultfd.QuerySupportedFeatures()), created);
    }

    [Fact]
    public void Nobodys_fallback_uffd_gives_syscalls_EFAULT_instead_of_serving_them()
    {
        Assert.Equal("EFAULT", Probe.KernelAccess(Privilege.Nobody, "allow"));
    }

    [Fact]
    public void Nobody_forbidding_user_mode_only_fails_with_both_attempts_their_errno_and_the_fixes()
    {
        UnixFileMode mode = File.GetUnixFileMode(KernelInfo.DevicePath);
        Assert.True((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) == 0,
            $"{KernelInfo.DevicePath} must not be open to everyone (mode {mode}) for an unprivileged user to be refused");

        ChildResult child = Probe.Run(Privilege.Nobody, "create", "forbid");

        Assert.True(child.ExitCode == Probe.UnavailableExitCode && child.Lines.Length == 4, child.ToString());
        Assert.Equal($"unavailable: No userfaultfd could be created (policy Forbid, Linux {KernelInfo.Release}). Tried:", child.Lines[0]);

        // The causes that apply to nobody here, and only those: the privilege check and the device's permission bits.
        string syscall = child.Lines[1];
        Assert.StartsWith("  - userfaultfd(2) serving kernel-mode faults: EPERM (", syscall);
        Assert.Contains("The privilege check refused it", syscall);
        Assert.Contains("CAP_SYS_PTRACE, which this process does not hold", syscall);
        Assert.Contains("vm.unprivileged_userfaultfd=1 (it is 0)", syscall);
        Assert.Contains("`sysctl -w vm.unprivileged_userfaultfd=1`", syscall);

        string device = child.Lines[2];
        Assert.StartsWith("  - /dev/userfaultfd (USERFAULTFD_IOC_NEW): EACCES (", device);
        Assert.Contains($"/dev/userfaultfd is not accessible to this user: mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}, owner uid ", device);
        Assert.Contains("this process runs as uid 65534, gid 65534, supplementary groups none", device);
        Assert.Contains("chmod 0660 /dev/userfaultfd", device);
        Assert.DoesNotContain("seccomp", child.Stdout, StringComparison.OrdinalIgnoreCase);

        Assert.Equal("If only faults raised by user-mode code matter, allow user-mode-only (UserModeOnlyPolicy.Allow).", child.Lines[3]);
        Assert.Equal(string.Empty, child.Stderr);
    }
}
