using Uffd.Regions;
using LadderProbe = Uffd.Runtime.Tests.Ladder.Probe;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// The shared dispatcher's thread count, set by the API or by the runtime option, in a fresh child process (this
/// test host's dispatcher started with its first region).
/// </summary>
public sealed class RegionDispatcherTests
{
    [Theory]
    [InlineData("api", 1)]
    [InlineData("option", 1)]
    [InlineData("api", 3)]
    public void The_configured_thread_count_serves_every_region_and_cannot_change_once_started(string how, int threads)
    {
        ChildResult child = LadderProbe.Run(Privilege.Root, "dispatcher", how, threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(child.ExitCode == 0 && child.Lines.Length == 1, child.ToString());
        Assert.Equal($"configured={threads} threads={threads} running={threads} regions-served=3 late-configure=refused", child.Lines[0]);
    }

    [Fact]
    public void Here_the_dispatcher_runs_one_thread_per_allowed_cpu()
    {
        Assert.Equal(Uffd.Interop.CpuAffinity.AllowedCpus().Length, RegionDispatcher.ThreadCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => RegionDispatcher.Configure(-1));
    }
}
