namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// The default policy: a provider exception terminates the process, naming the region and the page; so does an
/// asynchronous provider's task that faults (on the thread that completes it).
/// </summary>
public sealed class ProviderFailFastTests
{
    private const int SigAbrt = 6;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_throwing_provider_under_FailFast_ends_the_process_with_the_region_page_and_exception_on_stderr(bool asynchronous)
    {
        ChildResult child = asynchronous
            ? Child.Run("Uffd.Runtime.Probe", Privilege.Root, "region-failfast", "async")
            : Child.Run("Uffd.Runtime.Probe", Privilege.Root, "region-failfast");

        // "filled" proves the region served a page first; no "survived" proves the failing read never returned.
        Assert.True(new[] { "filled" }.SequenceEqual(child.Lines), child.ToString());
        Assert.True(child.ExitCode == 128 + SigAbrt, child.ToString());
        Assert.Contains("uffd region 'CrashingRegion': the page provider threw for page 5", child.Stderr);
        Assert.Contains("the backing store lost this page", child.Stderr);
        Assert.Contains("System.InvalidOperationException", child.Stderr);
    }
}
