namespace Uffd.Runtime.Tests.ChildProcess;

/// <summary>
/// Generated code under the FailFast policy, built by MSBuild: the probe references Uffd.Generators as an analyzer, so
/// its <c>[FaultRegion] partial class</c> is completed by the generator in an ordinary build, not in memory.
/// </summary>
public sealed class GeneratedRegionFailFastTests
{
    private const int SigAbrt = 6;

    [Fact]
    public void A_generated_region_serves_good_pages_then_fails_fast_naming_the_class_the_page_and_the_exception()
    {
        ChildResult child = Child.Run("Uffd.Runtime.Probe", Privilege.Root, "generated-failfast");

        // Pages 0..4 read back with the provider's letters before page 5 was touched; no "survived": that read never returned.
        Assert.True(new[] { "page 0 a", "page 1 b", "page 2 c", "page 3 d", "page 4 e" }.SequenceEqual(child.Lines), child.ToString());
        Assert.True(child.ExitCode == 128 + SigAbrt, child.ToString());
        // The region's name is the class name the generator passed to the engine.
        Assert.Contains("uffd region 'GeneratedCrashingRegion': the page provider threw for page 5 (offset", child.Stderr);
        Assert.Contains("OnProviderError is FailFast. System.InvalidOperationException: the generated region's backing store lost page 5", child.Stderr);
        // The engine was instantiated over the generated callbacks struct: the generator, not hand-written glue, ran.
        Assert.Contains("GeneratedCrashingRegion+UffdRegionCallbacks", child.Stderr);
    }
}
