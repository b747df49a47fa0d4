using LadderProbe = Uffd.Runtime.Tests.Ladder.Probe;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// What a new user meets first: on a user-mode-only uffd a system call given an unfilled page fails
/// (<c>FileStream.Write</c> → "Bad address"). The accessors of generated regions make pages present from native code
/// first, so handing their spans to the kernel works: the probe passes spans, a lease and prefaulted pages that no one
/// touched before (checked in /proc/self/pagemap) to <c>FileStream.Write</c> and <c>RandomAccess.Read</c> and checks
/// every byte, after showing that a raw span over the same kind of page still fails. Nobody gets a user-mode-only uffd
/// by falling back (<c>UserModeOnly = Allow</c>, vm.unprivileged_userfaultfd pinned to 0); <c>Require</c> gives
/// anyone one, root included.
/// </summary>
public sealed class UnprivilegedSyscallTests : IClassFixture<UnprivilegedUserfaultfdOff>
{
    [Theory]
    [InlineData("nobody", "allow")]
    [InlineData("host", "require")] // root in the first run, nobody in the second: Require is user-mode-only for both
    public void Spans_leases_and_prefaulted_pages_of_a_user_mode_only_region_reach_system_calls_filled(string who, string policy)
    {
        ChildResult child = LadderProbe.Run(who == "nobody" ? Privilege.Nobody : Privilege.Root, "syscall-spans", policy);

        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(new[]
        {
            "usermodeonly=true",
            "raw span to FileStream.Write: EFAULT",
            $"AsSpan to FileStream.Write: {2 * Environment.SystemPageSize} bytes ok",
            $"AsReadOnlySpan to FileStream.Write: {2 * Environment.SystemPageSize} bytes ok",
            $"RandomAccess.Read into AsSpan: {2 * Environment.SystemPageSize} bytes ok",
            $"Read: {Environment.SystemPageSize} bytes ok",
            $"Write then AsReadOnlySpan to FileStream.Write: {Environment.SystemPageSize} bytes ok",
            $"RandomAccess.Read into LeaseSpan: {2 * Environment.SystemPageSize} bytes ok",
            $"AsReadOnlySpan (write-protected) to FileStream.Write: {2 * Environment.SystemPageSize} bytes ok",
            $"RandomAccess.Read into AsSpan (tracked): {2 * Environment.SystemPageSize} bytes ok",
            "kernel writes collected: pages 1,2",
            $"Prefault then a raw span to FileStream.Write: {Environment.SystemPageSize} bytes ok",
            "ok",
        }, child.Lines);
        Assert.Equal(string.Empty, child.Stderr);
    }
}
