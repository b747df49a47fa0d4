using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Uffd.Torture.Tests;

/// <summary>One result line of the consumer: the counts of one (mode, path, run).</summary>
internal sealed record PathResult(
    string Mode, string Path, int Run, long Rounds, long Pages, long Provider, long Writes, long Collected, long Protects,
    long ManagedWriteFaults, long Gcs, bool Ok, string Line);

/// <summary>
/// Runs tests/Uffd.Torture as a child under a watchdog and checks what it reports. The consumer checks content and
/// counts itself, round by round; this side checks that it did so for every expected (mode, path, run), that GCs ran
/// meanwhile, and above all that it ended: a GC deadlock freezes the whole child, which then prints nothing more,
/// and the watchdog kills it and fails the test with the last phase it printed and where its threads were.
/// </summary>
internal static partial class TortureRun
{
    public const string App = "Uffd.Torture";

    /// <summary>How long each (mode, path) runs, round after round, in each run.</summary>
    public const double SecondsPerPath = 1;

    /// <summary>
    /// A child that prints nothing for this long is hung. It prints a line per (mode, path) (about a second), and
    /// a round whose workers are stuck without a GC deadlock is reported by the child itself after 20 s.
    /// </summary>
    public static readonly TimeSpan Silence = TimeSpan.FromSeconds(45);

    /// <summary>The access paths of each mode's generated class, written out here so that a path the consumer drops fails.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> PathsOf = new Dictionary<string, string[]>
    {
        ["missing"] = ["AsSpan()", "AsSpan(o,l)", "AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "Read", "Write", "Prefault+span", "provider-reads-other"],
        ["wp-sync"] = ["AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "LeaseSpan(o,l)+Protect", "LeaseSpan()+Protect", "Read", "Write", "Prefault+span"],
        ["wp-only"] = ["AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "LeaseSpan(o,l)+Protect", "LeaseSpan()+Protect", "Read", "Write", "Prefault+span"],
        ["wp-async"] = ["AsSpan()", "AsSpan(o,l)", "AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "Read", "Write", "Prefault+span", "CollectWrittenPages"],
        ["wp-async-missing"] = ["AsSpan()", "AsSpan(o,l)", "AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "Read", "Write", "Prefault+span", "CollectWrittenPages"],
        ["minor"] = ["AsSpan()", "AsSpan(o,l)", "AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "Read", "Write", "Prefault+span", "AliasSpan"],
        ["hugepages"] = ["AsSpan()", "AsSpan(o,l)", "AsReadOnlySpan()", "AsReadOnlySpan(o,l)", "Read", "Write", "Prefault+span", "AliasSpan"],
    };

    private static readonly HashSet<string> WritingPaths =
        ["AsSpan()", "AsSpan(o,l)", "LeaseSpan(o,l)+Protect", "LeaseSpan()+Protect", "Write", "Prefault+span", "CollectWrittenPages"];

    /// <summary>Runs <paramref name="modes"/> in one child and checks every result line; returns them.</summary>
    public static IReadOnlyList<PathResult> Run(ITestOutputHelper output, Privilege privilege, int runs, params string[] modes)
    {
        int paths = modes.Sum(m => PathsOf[m].Length) * runs;
        var watchdog = new Watchdog(TimeSpan.FromSeconds(paths * SecondsPerPath * 3 + 60), Silence);
        ChildResult child = Child.Watch(App, privilege, watchdog,
            "run", string.Join(',', modes), SecondsPerPath.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture));
        output.WriteLine(child.ToString());

        Assert.False(child.WasKilled, $"the torture child hung in `{LastPhase(child)}`: {child}");
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(string.Empty, child.Stderr);
        Assert.Equal($"uffd path={(privilege == Privilege.Nobody ? "SyscallUserModeOnly" : "Syscall")} usermodeonly={(privilege == Privilege.Nobody ? "true" : "false")}",
            child.Lines[0]);

        List<PathResult> results = child.Lines.Where(l => l.StartsWith("result ", StringComparison.Ordinal)).Select(Parse).ToList();
        var expected = Enumerable.Range(1, runs).SelectMany(run => modes.SelectMany(m => PathsOf[m].Select(p => (m, p, run)))).ToList();
        Assert.Equal(expected, results.Select(r => (r.Mode, r.Path, r.Run)).ToList());
        foreach (PathResult r in results)
        {
            Check(r);
        }

        Assert.Equal($"done passed={paths} failed=0", child.Lines[^1]);
        output.WriteLine($"{modes.Length} modes, {paths / runs} (mode, path) x {runs} runs: {results.Sum(r => r.Rounds)} rounds, " +
                         $"{results.Sum(r => r.Pages)} pages, {results.Sum(r => r.Gcs)} GCs, 0 hangs");
        return results;
    }

    /// <summary>The last "begin" or "phase" line a child printed: where it was when it stopped.</summary>
    public static string LastPhase(ChildResult child) =>
        child.Lines.LastOrDefault(l => l.StartsWith("begin ", StringComparison.Ordinal) || l.StartsWith("phase ", StringComparison.Ordinal)) ?? "(no phase printed)";

    private static void Check(PathResult r)
    {
        Assert.True(r.Ok, r.Line);
        Assert.True(r.Rounds > 0 && r.Pages > 0, r.Line);
        // The point is faults during GCs: about a thousand a second on an idle machine; a few dozen at the least.
        Assert.True(r.Gcs >= 20, $"too few GCs during the path: {r.Line}");
        Assert.True(r.ManagedWriteFaults == 0, r.Line);

        bool provider = r.Mode is not ("wp-only" or "wp-async");
        Assert.True(provider ? r.Provider > 0 : r.Provider == 0, r.Line);
        bool writes = WritingPaths.Contains(r.Path);
        if (r.Mode is "wp-sync" or "wp-only")
        {
            // Every round ends with a Protect and one write per page through a writing path, each reported.
            Assert.True(writes ? r.Writes >= r.Pages : r.Writes == 0, r.Line);
            Assert.True(r.Protects > 0, r.Line);
        }

        if (r.Mode is "wp-async" or "wp-async-missing")
        {
            // Exactly the written pages are collected: all of them through a writing path, none through a reading one.
            Assert.True(writes ? r.Collected == r.Pages : r.Collected == 0, r.Line);
        }
    }

    private static PathResult Parse(string line)
    {
        Match m = ResultLine().Match(line);
        Assert.True(m.Success, $"unexpected result line: {line}");
        long N(string group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        return new PathResult(
            m.Groups["mode"].Value, m.Groups["path"].Value, (int)N("run"), N("rounds"), N("pages"), N("provider"), N("writes"),
            N("collected"), N("protects"), N("managed"), N("gcs"), m.Groups["verdict"].Value == "ok", line);
    }

    [GeneratedRegex(@"^result mode=(?<mode>\S+) path=(?<path>\S+) run=(?<run>\d+) rounds=(?<rounds>\d+) pages=(?<pages>\d+) " +
                    @"provider=(?<provider>\d+) writes=(?<writes>\d+) collected=(?<collected>\d+) protects=(?<protects>\d+) " +
                    @"managed-write-faults=(?<managed>\d+) gcs=(?<gcs>\d+) seconds=[\d.]+ (?<verdict>ok|FAIL.*)$")]
    private static partial Regex ResultLine();
}
