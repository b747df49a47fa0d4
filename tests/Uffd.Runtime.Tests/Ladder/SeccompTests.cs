namespace Uffd.Runtime.Tests.Ladder;

/// <summary>
/// A seccomp filter refusing userfaultfd(2), installed by the probe on all its threads before it creates a uffd, as a
/// container runtime does (Docker's default profile answers EPERM). The message must name the filter as the cause,
/// not the sysctl, and say whether the sysctl matters as well.
/// </summary>
public sealed class SeccompTests : IClassFixture<UnprivilegedUserfaultfdOff>
{
    [Fact]
    public void Nobody_under_an_EPERM_filter_is_told_the_filter_refuses_even_user_mode_only_so_the_sysctl_alone_will_not_do()
    {
        ChildResult child = Probe.Run(Privilege.Nobody, "seccomp", "eperm", "syscall", "allow");

        Assert.True(child.ExitCode == Probe.UnavailableExitCode && child.Lines.Length == 4, child.ToString());
        Assert.Equal($"unavailable: No userfaultfd could be created (policy Allow, Linux {KernelInfo.Release}). Tried:", child.Lines[0]);
        Assert.StartsWith("  - userfaultfd(2) serving kernel-mode faults: EPERM (", child.Lines[1]);
        Assert.Contains("The privilege check refused it", child.Lines[1]);
        Assert.Contains("A seccomp filter refuses userfaultfd(2) as well (Seccomp: 2, and it refused UFFD_USER_MODE_ONLY too", child.Lines[1]);
        Assert.StartsWith(
            "  - userfaultfd(2) with UFFD_USER_MODE_ONLY: EPERM (Operation not permitted). A seccomp filter refuses userfaultfd(2): " +
            "a user-mode-only uffd needs no privilege, and this thread runs under a seccomp filter", child.Lines[2]);
        Assert.Contains("--security-opt seccomp=", child.Lines[2]);
        // The filter does not touch the device: its own permissions refuse nobody, and the message says so.
        Assert.StartsWith("  - /dev/userfaultfd (USERFAULTFD_IOC_NEW): EACCES (", child.Lines[3]);
        Assert.Contains("/dev/userfaultfd is not accessible to this user", child.Lines[3]);
    }

    [Fact]
    public void Forbid_never_tries_user_mode_only_so_the_opener_asks_once_to_tell_the_filter_from_the_sysctl()
    {
        ChildResult child = Probe.Run(Privilege.Nobody, "seccomp", "eperm", "syscall", "forbid");

        Assert.True(child.ExitCode == Probe.UnavailableExitCode && child.Lines.Length == 4, child.ToString());
        Assert.Contains("The privilege check refused it", child.Lines[1]);
        Assert.Contains("A seccomp filter refuses userfaultfd(2) as well (Seccomp: 2, and it refused UFFD_USER_MODE_ONLY too", child.Lines[1]);
        Assert.Contains("/dev/userfaultfd is not accessible to this user", child.Lines[2]);
    }

    [Fact]
    public void Nobody_under_an_ENOSYS_filter_is_told_the_kernel_has_userfaultfd_so_a_filter_hides_it()
    {
        ChildResult child = Probe.Run(Privilege.Nobody, "seccomp", "enosys", "syscall", "require");

        Assert.True(child.ExitCode == Probe.UnavailableExitCode && child.Lines.Length == 3, child.ToString());
        Assert.StartsWith(
            "  - userfaultfd(2) with UFFD_USER_MODE_ONLY: ENOSYS (Function not implemented). A seccomp filter refuses userfaultfd(2): " +
            "the kernel has userfaultfd (vm.unprivileged_userfaultfd exists), yet the syscall is reported missing", child.Lines[1]);
        Assert.DoesNotContain("CONFIG_USERFAULTFD", child.Stdout);
        Assert.StartsWith("  - /dev/userfaultfd with UFFD_USER_MODE_ONLY: EACCES (", child.Lines[2]);
    }

    [Fact]
    [Trait("Requires", "root")] // Only root can open the 0600 root-owned device the ladder falls back to.
    public void Root_under_a_filter_on_the_syscall_falls_back_to_the_device()
    {
        Probe.AssertHostIsFullyPrivilegedRoot();

        ChildResult child = Probe.Run(Privilege.Root, "seccomp", "eperm", "syscall", "forbid");

        Assert.True(child.ExitCode == 0 && child.Lines.Length == 1, child.ToString());
        Assert.StartsWith("path=Device usermodeonly=false ", child.Lines[0]);
    }

    [Fact]
    [Trait("Requires", "root")] // CAP_SYS_PTRACE and access to the device: with both, only the filter can refuse.
    public void Root_under_a_filter_on_the_syscall_and_the_device_is_told_the_filter_and_not_the_privilege_check()
    {
        Probe.AssertHostIsFullyPrivilegedRoot();

        ChildResult child = Probe.Run(Privilege.Root, "seccomp", "eperm", "syscall+device", "forbid");

        Assert.True(child.ExitCode == Probe.UnavailableExitCode && child.Lines.Length == 4, child.ToString());
        Assert.StartsWith(
            "  - userfaultfd(2) serving kernel-mode faults: EPERM (Operation not permitted). A seccomp filter refuses userfaultfd(2): " +
            "this process holds CAP_SYS_PTRACE, which the privilege check accepts", child.Lines[1]);
        Assert.StartsWith("  - /dev/userfaultfd (USERFAULTFD_IOC_NEW): EPERM (Operation not permitted). Its permissions allow this user (", child.Lines[2]);
        Assert.Contains("so a seccomp filter (Seccomp: 2) is the likely cause", child.Lines[2]);
        Assert.DoesNotContain("privilege check refused", child.Stdout);
    }
}
