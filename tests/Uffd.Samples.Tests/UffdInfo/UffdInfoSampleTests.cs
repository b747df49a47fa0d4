using Uffd.Samples.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.UffdInfo;

/// <summary>
/// The UffdInfo sample as a user runs it: its verdict and feature list must match what the runtime sees, as root
/// (kernel and user faults) and as nobody (user faults only, while vm.unprivileged_userfaultfd is 0).
/// </summary>
public sealed class UffdInfoSampleTests
{
    [Fact]
    public void UffdInfo_reports_a_working_uffd_with_every_supported_feature_and_exits_0()
    {
        UffdFeatures supported = Userfaultfd.QuerySupportedFeatures();
        int known = FeatureCatalog.Split(supported & FeatureCatalog.KnownMask).Count();

        ChildResult result = Sample.Run("UffdInfo");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sample.KernelFaultsHere()
            ? $"Verdict: userfaultfd works here (kernel and user faults; all {known} features)."
            : $"Verdict: userfaultfd works here for user faults only (all {known} features); to serve faults raised inside system " +
              "calls, grant CAP_SYS_PTRACE, set vm.unprivileged_userfaultfd=1, or give this user access to /dev/userfaultfd " +
              "(the Forbid line above says which cause applies). Until then a [FaultRegion] opens only with " +
              "UserModeOnly = UserModeOnlyPolicy.Allow.",
            result.Lines[^1]);
        Assert.Equal(17, known);
        Assert.Contains(result.Lines, line => line.Contains("UFFD_FEATURE_MOVE", StringComparison.Ordinal) && line.Contains("since Linux 6.8", StringComparison.Ordinal));
        foreach (UffdFeatures feature in FeatureCatalog.Split(supported))
        {
            Assert.Single(result.Lines, line => line.Contains(FeatureCatalog.UapiName(feature) + " ", StringComparison.Ordinal));
        }

        // The kernel reports EVENT_FORK to everyone but enables it only with CAP_SYS_PTRACE, and the sample says so.
        Assert.Equal(!KernelInfo.HasCapSysPtrace, result.Lines.Single(line => line.Contains("UFFD_FEATURE_EVENT_FORK ", StringComparison.Ordinal))
            .EndsWith("(needs CAP_SYS_PTRACE, not held)", StringComparison.Ordinal));

        // Private anonymous MISSING advertises WAKE, COPY, ZEROPAGE, MOVE and POISON on this kernel (0x13c).
        Assert.Contains(result.Lines, line => line.Contains("private anonymous", StringComparison.Ordinal) && line.Contains("MISSING   0x13c", StringComparison.Ordinal));
    }
}
