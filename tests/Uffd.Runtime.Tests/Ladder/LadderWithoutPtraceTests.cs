namespace Uffd.Runtime.Tests.Ladder;

/// <summary>
/// Root without CAP_SYS_PTRACE: the syscall refuses kernel-fault uffds (EPERM), so Allow falls back to
/// user-mode-only, while Forbid skips that rung and opens /dev/userfaultfd, which root owns.
/// </summary>
[Trait("Requires", "root")] // Root minus CAP_SYS_PTRACE is the subject; only root can open the 0600 device it falls back to.
public sealed class LadderWithoutPtraceTests : IClassFixture<UnprivilegedUserfaultfdOff>
{
    [Theory]
    [InlineData("allow", UffdCreationPath.SyscallUserModeOnly, true)]
    [InlineData("require", UffdCreationPath.SyscallUserModeOnly, true)]
    [InlineData("forbid", UffdCreationPath.Device, false)]
    public void Without_ptrace_allow_falls_back_to_user_mode_only_and_forbid_to_the_device(string policy, UffdCreationPath path, bool userModeOnly)
    {
        Probe.AssertHostIsFullyPrivilegedRoot();

        CreatedUffd created = Probe.Create(Privilege.RootWithoutPtrace, policy);

        Assert.Equal(new CreatedUffd(path, userModeOnly, Userfaultfd.QuerySupportedFeatures()), created);
    }

    [Theory]
    [InlineData("allow", "EFAULT")]
    [InlineData("forbid", "served")]
    public void Without_ptrace_only_the_device_serves_syscalls(string policy, string outcome)
    {
        Assert.Equal(outcome, Probe.KernelAccess(Privilege.RootWithoutPtrace, policy));
    }
}
