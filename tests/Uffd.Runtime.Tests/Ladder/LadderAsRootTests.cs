namespace Uffd.Runtime.Tests.Ladder;

/// <summary>With CAP_SYS_PTRACE every policy gets its first rung: the syscall, user-mode-only only when required.</summary>
[Trait("Requires", "root")] // Root with CAP_SYS_PTRACE is the subject: the first rung of every policy.
public sealed class LadderAsRootTests
{
    [Theory]
    [InlineData("allow", UffdCreationPath.Syscall, false)]
    [InlineData("require", UffdCreationPath.SyscallUserModeOnly, true)]
    [InlineData("forbid", UffdCreationPath.Syscall, false)]
    public void Root_gets_the_first_rung_of_each_policy(string policy, UffdCreationPath path, bool userModeOnly)
    {
        Probe.AssertHostIsFullyPrivilegedRoot();

        CreatedUffd created = Probe.Create(Privilege.Root, policy);

        Assert.Equal(new CreatedUffd(path, userModeOnly, Userfaultfd.QuerySupportedFeatures()), created);
    }
}
