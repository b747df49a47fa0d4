using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Uffd.Torture.Tests.Adversarial;

/// <summary>
/// Regions opened where the process runs out of something: descriptors (RLIMIT_NOFILE, lowered in the child) and GC
/// heap (a hard limit set in the child). Each case runs in the optimized consumer as a child under a watchdog and
/// checks, attempt by attempt, that a failed Open released everything it took and that Dispose never threw; a raw
/// uffd disposed at the descriptor limit must still revoke what it registered.
/// </summary>
public sealed partial class LimitsTests(ITestOutputHelper output)
{
    /// <summary>The budgets the case tries, 0 free descriptors to 12.</summary>
    private const int MaxFree = 12;

    /// <summary>
    /// The descriptors each region of the case holds while open: uffd, fdinfo and pagemap; a memfd when shared; the
    /// stop eventfd, and an epoll fd and a nudge eventfd (for parking and hand-offs) per thread of a dispatcher of its
    /// own (tracked and shared have 2 threads).
    /// </summary>
    private static readonly Dictionary<string, int> HeldWhileOpen = new() { ["tracked"] = 8, ["shared"] = 9, ["dispatched"] = 3 };

    [Fact]
    public void A_failed_Open_at_the_descriptor_limit_releases_everything_and_Dispose_at_the_limit_never_throws()
    {
        ChildResult child = RunCase("fd-limit");

        var lines = child.Lines.Where(l => l.StartsWith("ok fd-limit ", StringComparison.Ordinal)).Select(l => AttemptLine().Match(l)).ToList();
        Assert.All(lines, m => Assert.True(m.Success, $"unexpected line: {m.Value}"));
        foreach ((string region, int held) in HeldWhileOpen)
        {
            List<Match> attempts = lines.Where(m => m.Groups["region"].Value == region).ToList();
            Assert.Equal(Enumerable.Range(0, MaxFree + 1), attempts.Select(m => int.Parse(m.Groups["free"].Value)));
            string[] outcomes = attempts.Select(m => m.Groups["outcome"].Value).ToArray();

            // Refused while the region's own descriptors do not fit (starting its threads needs a moment's more),
            // opened once they do, and never refused again with more to spare.
            Assert.All(outcomes.Take(held), o => Assert.Equal("refused", o));
            Assert.Equal("opened", outcomes[^1]);
            int firstOpened = Array.IndexOf(outcomes, "opened");
            Assert.All(outcomes.Skip(firstOpened), o => Assert.Equal("opened", o));
            Assert.All(attempts.Where(m => m.Groups["outcome"].Value == "refused"),
                m => Assert.Contains("UffdException:", m.Groups["error"].Value));
            Assert.All(attempts.Where(m => m.Groups["outcome"].Value == "refused"),
                m => Assert.Contains("too many open files (RLIMIT_NOFILE, ulimit -n)", m.Groups["error"].Value));
        }

        Assert.Equal(HeldWhileOpen.Count * (MaxFree + 1), lines.Count);
        Assert.Equal("done fd-limit failed=0", child.LastLine);
    }

    [Fact]
    public void A_page_table_the_GC_cannot_allocate_is_refused_with_its_size_and_releases_everything()
    {
        ChildResult child = RunCase("page-table-oom");

        string line = Assert.Single(child.Lines);
        Assert.StartsWith("ok page-table-oom pages=268435456 ", line);
        Assert.Contains("error=InsufficientMemoryException: Region 'PageTableRegion': its page table of 268435456 pages needs 1073741824 bytes (1 GiB)", line);
    }

    [Fact]
    public void A_uffd_disposed_with_no_descriptor_to_spare_still_revokes_its_unserved_range()
    {
        ChildResult child = RunCase("revoke-fd-limit");

        Assert.Equal("ok revoke-fd-limit: the range was rw-p, after Dispose with no descriptor free it is ---p", Assert.Single(child.Lines));
    }

    /// <summary>Runs <c>case NAME</c> and checks it ended by itself, successfully, with nothing on stderr.</summary>
    private ChildResult RunCase(string name)
    {
        ChildResult child = Child.Watch(TortureRun.App, Privilege.Root, new Watchdog(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30)), "case", name);
        output.WriteLine(child.ToString());

        Assert.False(child.WasKilled, $"the {name} case hung: {child}");
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(string.Empty, child.Stderr);
        Assert.DoesNotContain(child.Lines, l => l.StartsWith("fail ", StringComparison.Ordinal));
        return child;
    }

    [GeneratedRegex(@"^ok fd-limit region=(?<region>\S+) free=(?<free>\d+) outcome=(?<outcome>opened|refused) fds=\d+ threads=\d+ " +
                    @"region-threads=\d+ large-maps=\d+ maps=\d+ vmsize=\d+kB dispose-ms=\d+(?: error=(?<error>.*))?$")]
    private static partial Regex AttemptLine();
}
