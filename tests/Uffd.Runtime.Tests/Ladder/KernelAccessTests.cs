namespace Uffd.Runtime.Tests.Ladder;

/// <summary>
/// The difference the ladder is about: a syscall (<c>write(pipe, page, 1)</c>) reading a missing registered page.
/// A full uffd delivers the fault and the syscall completes with the handler's data; a user-mode-only uffd makes
/// the syscall fail with EFAULT and queues no message (the probe checks the byte, the message count and fdinfo).
/// </summary>
[Trait("Requires", "root")] // A syscall served by the handler needs a uffd serving kernel-mode faults: CAP_SYS_PTRACE here.
public sealed class KernelAccessTests
{
    [Theory]
    [InlineData("allow", "served")]
    [InlineData("forbid", "served")]
    [InlineData("require", "EFAULT")]
    public void As_root_a_syscall_touching_a_missing_page_is_served_unless_user_mode_only_is_required(string policy, string outcome)
    {
        Probe.AssertHostIsFullyPrivilegedRoot();

        Assert.Equal(outcome, Probe.KernelAccess(Privilege.Root, policy));
    }
}
