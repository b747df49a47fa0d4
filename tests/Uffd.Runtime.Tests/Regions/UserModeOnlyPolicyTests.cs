using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using LadderProbe = Uffd.Runtime.Tests.Ladder.Probe;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// FaultRegionSettings.UserModeOnly: a region refuses a user-mode-only uffd unless told otherwise, and says why and how
/// to fix it; Allow falls back to one when that is all the process may have, Require always takes one. The engine's
/// IsUserModeOnly says which it got. Nobody runs in a child with vm.unprivileged_userfaultfd pinned to 0.
/// </summary>
public sealed class UserModeOnlyPolicyTests : IClassFixture<UnprivilegedUserfaultfdOff>
{
    [Fact]
    public void By_default_a_region_that_cannot_get_kernel_mode_faults_throws_at_Open_with_the_causes_and_both_ways_out()
    {
        ChildResult child = LadderProbe.Run(Privilege.Nobody, "region", "forbid");

        Assert.True(child.ExitCode == LadderProbe.UnavailableExitCode && child.Lines.Length == 4, child.ToString());
        Assert.Equal(
            $"unavailable: Region 'PolicyRegion' needs a userfaultfd that serves kernel-mode faults (UserModeOnly = Forbid, the default), " +
            $"and none could be created (Linux {KernelInfo.Release}). Tried:", child.Lines[0]);
        Assert.Contains("`sysctl -w vm.unprivileged_userfaultfd=1`", child.Lines[1]);
        Assert.Contains("/dev/userfaultfd is not accessible to this user", child.Lines[2]);
        Assert.StartsWith("Or accept a user-mode-only uffd knowingly: [FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]", child.Lines[3]);
        Assert.Equal(UserModeOnlyPolicy.Forbid, new FaultRegionSettings("Default", FaultMode.Missing, 1).UserModeOnly);
        Assert.Equal(UserModeOnlyPolicy.Forbid, new FaultRegionAttribute().UserModeOnly);
    }

    [Fact]
    public void Allowed_a_region_falls_back_to_user_mode_only_faults_for_nobody_and_still_serves_them()
    {
        ChildResult child = LadderProbe.Run(Privilege.Nobody, "region", "allow");

        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(new[] { "usermodeonly=true page=7" }, child.Lines);
    }

    [Fact]
    public void Required_a_region_is_user_mode_only_whoever_opens_it()
    {
        var recorder = new RegionRecorder(4);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("RequireUserMode", 4) with { UserModeOnly = UserModeOnlyPolicy.Require });

        Assert.True(region.IsUserModeOnly);
        Assert.True(region.Uffd.IsUserModeOnly);
        Assert.True(RegionRecorder.HasPattern(2, region.ReadPage(2)));
    }

    [Fact]
    [Trait("Requires", "root")] // A uffd serving kernel-mode faults needs CAP_SYS_PTRACE here (vm.unprivileged_userfaultfd is 0).
    public void With_CAP_SYS_PTRACE_the_default_region_gets_kernel_mode_faults()
    {
        LadderProbe.AssertHostIsFullyPrivilegedRoot();

        var recorder = new RegionRecorder(4);
        using var region = TestRegion.Open(recorder, new FaultRegionSettings("ForbidAsRoot", FaultMode.Missing, 4));

        Assert.False(region.IsUserModeOnly);
        Assert.Equal(UffdCreationPath.Syscall, region.Uffd.CreationPath);
    }

    [Fact]
    public void An_undefined_policy_is_refused_before_anything_is_mapped()
    {
        var settings = TestRegion.Settings("BadPolicy", 4) with { UserModeOnly = (UserModeOnlyPolicy)7 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TestRegion.Open(new RegionRecorder(4), settings));
        Assert.Contains("Region 'BadPolicy': UserModeOnly is not a UserModeOnlyPolicy value.", error.Message);
    }
}
