using Xunit.Abstractions;

namespace Uffd.Torture.Tests.Adversarial;

/// <summary>
/// A region whose user unmapped one page and moved its tail with mremap, touched through every accessor in the
/// optimized consumer. Before, Read of the unmapped page killed the child with SIGSEGV (exit code 139).
/// </summary>
public sealed class MovedRangesTests(ITestOutputHelper output)
{
    [Fact]
    public void Accessors_refuse_unmapped_pages_with_an_exception_naming_the_range_and_follow_moved_pages()
    {
        ChildResult child = Child.Watch(TortureRun.App, Privilege.Root, new Watchdog(TimeSpan.FromSeconds(60)), "case", "moved");
        output.WriteLine(child.ToString());

        Assert.False(child.WasKilled, child.ToString());
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(string.Empty, child.Stderr);
        Assert.Collection(child.Lines,
            line => Assert.StartsWith("ok moved missing: page 3 unmapped refused by 7 accessors, pages [5, 8) moved to 0x", line),
            line => Assert.Equal("ok moved tracked: Protect and LeaseSpan refuse page 3; Protect across the move reported pages [4, 7]", line));
    }
}
