using Xunit.Abstractions;

namespace Uffd.Torture.Tests.Adversarial;

/// <summary>
/// The adversarial cases for fork and alias views, each in the optimized consumer as a child under a watchdog: a
/// forked child never reads region memory (EFAULT, SIGSEGV; never zeros), and no alias view bypasses the provider.
/// </summary>
public sealed class ForkAndAliasTests(ITestOutputHelper output)
{
    // Each case takes well under a second; a forked child that hangs is killed by the consumer after 5 s.
    private static readonly Watchdog Bound = new(TimeSpan.FromSeconds(60), Silence: TimeSpan.FromSeconds(30));

    [Fact]
    public void A_forked_child_gets_EFAULT_and_SIGSEGV_from_region_memory_never_zeros()
    {
        string[] lines = Run("fork");
        foreach (string region in new[] { "missing-anonymous", "missing-shared", "minor" })
        {
            string p = $"ok fork region={region} ";
            Assert.Contains(p + "parent: page 0 filled by the provider, page 1 never touched", lines);
            Assert.Contains(p + "child write() from page 1 (never filled): EFAULT", lines);
            Assert.Contains(p + "child write() from page 0 (filled): EFAULT", lines);
            Assert.Contains(p + "child exited 0 and read nothing", lines);
            Assert.Contains(p + "child touching page 1: SIGSEGV", lines);
            Assert.Contains(p + "child touching page 0: SIGSEGV", lines);
            Assert.Contains(p + "parent after the forks: page 0 unchanged, page 1 filled by the provider now, once each", lines);
        }

        Assert.Contains("ok fork region=minor child write() from the alias of page 0: EFAULT", lines);
        Assert.Contains("ok fork region=minor the provider saw the staged content", lines);
        Assert.Equal("ok fork: no child read region memory", lines[^1]);
    }

    [Fact]
    public void No_alias_view_bypasses_the_provider()
    {
        string[] lines = Run("alias");
        Assert.Contains("ok alias region=minor maps its memfd twice (the region and its alias)", lines);
        Assert.Contains("ok alias region=minor staged 8 pages through AliasSpan without running the provider", lines);
        Assert.Contains("ok alias region=minor the provider ran once for every page, on the staged content, and the region reads it completed", lines);
        Assert.Contains("ok alias region=minor 8 minor faults", lines);

        Assert.Contains("ok alias region=missing-shared has no AliasSpan (the generator emits it for Minor only)", lines);
        Assert.Contains("ok alias region=missing-shared maps its memfd once (no alias view)", lines);
        foreach (string member in new[] { "AliasAddress", "AliasSpan" })
        {
            Assert.Contains(lines, l => l.StartsWith(
                $"ok alias region=missing-shared {member} throws InvalidOperationException: Region 'SharedMissingRegion' (Missing) has no alias view: " +
                "the alias exists only for Minor regions", StringComparison.Ordinal));
        }

        Assert.Contains("ok alias region=missing-shared the provider ran once for each of 8 pages read through AsReadOnlySpan and Read, " +
                        "and the region holds its bytes exactly", lines);
        Assert.Equal("ok alias: the provider ran for every page", lines[^1]);
    }

    private string[] Run(string name)
    {
        ChildResult child = Child.Watch(TortureRun.App, Privilege.Root, Bound, "case", name);
        output.WriteLine(child.ToString());
        Assert.False(child.WasKilled, child.ToString());
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(string.Empty, child.Stderr);
        Assert.DoesNotContain(child.Lines, l => !l.StartsWith("ok ", StringComparison.Ordinal));
        return child.Lines;
    }
}
