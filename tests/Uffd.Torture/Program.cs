using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Uffd.Torture;

/// <summary>
/// The torture suite's consumer, run as a child by tests/Uffd.Torture.Tests. <c>run MODES SECONDS RUNS</c> touches
/// the generated regions of each mode through each of its public access paths, SECONDS per (mode, path), RUNS times,
/// under constant GCs, and prints one result line per (mode, path, run). <c>control SECONDS</c> does the same
/// through a raw span over BaseAddress, which must hang: it prints a phase line per round, so the parent sees where.
/// <c>case NAME ARGS</c> runs one case of the adversarial battery (see <see cref="Adversarial.AdversarialCases"/>).
/// Exit codes: 0 every path passed, 2 bad usage, 4 a round's workers were stuck (not a GC deadlock, which stops this
/// process whole and is for the parent's watchdog to catch), 5 a path failed, 6 the control did not hang.
/// </summary>
internal static class Program
{
    public const int Usage = 2;
    public const int Stuck = 4;
    public const int Failed = 5;
    public const int ControlSurvived = 6;

    public static readonly IReadOnlyDictionary<string, Func<Scenario>> Modes = new Dictionary<string, Func<Scenario>>
    {
        ["missing"] = () => new MissingScenario(),
        ["wp-sync"] = () => new SyncWriteProtectScenario(missing: true),
        ["wp-only"] = () => new SyncWriteProtectScenario(missing: false),
        ["wp-async"] = () => new AsyncWriteProtectScenario(missing: false),
        ["wp-async-missing"] = () => new AsyncWriteProtectScenario(missing: true),
        ["minor"] = () => new MinorScenario(),
        ["hugepages"] = () => new HugePagesScenario(),
    };

    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["run", string modes, string seconds, string runs]:
                return Run(modes.Split(','), ParseSeconds(seconds), int.Parse(runs, CultureInfo.InvariantCulture));
            case ["control", string seconds]:
                return Control(ParseSeconds(seconds));
            case ["case", string name, .. string[] rest] when Adversarial.AdversarialCases.ByName.TryGetValue(name, out var run):
                return run(rest);
            default:
                Console.Error.WriteLine($"usage: run <{string.Join('|', Modes.Keys)}>[,...] <seconds per path> <runs> | control <seconds> | " +
                                        $"case <{string.Join('|', Adversarial.AdversarialCases.ByName.Keys)}> [args...]");
                return Usage;
        }
    }

    private static int Run(string[] modes, double seconds, int runs)
    {
        foreach (string mode in modes.Where(m => !Modes.ContainsKey(m)))
        {
            Console.Error.WriteLine($"unknown mode '{mode}'");
            return Usage;
        }

        PrintUffd();
        int passed = 0, failed = 0;
        using (new GcPressure())
        {
            for (int run = 1; run <= runs; run++)
            {
                foreach (string mode in modes)
                {
                    Scenario scenario = Modes[mode]();
                    foreach (string path in scenario.Paths)
                    {
                        if (Runner.Run(scenario, path, run, seconds, heartbeat: false))
                        {
                            passed++;
                        }
                        else
                        {
                            failed++;
                        }
                    }
                }
            }
        }

        Output.Line($"done passed={passed} failed={failed}");
        return failed == 0 ? 0 : Failed;
    }

    private static int Control(double seconds)
    {
        PrintUffd();
        using (new GcPressure())
        {
            Runner.Run(new ControlScenario(), AccessPath.RawSpan, 1, seconds, heartbeat: true);
        }

        Output.Line($"done: the control ran {seconds} s without hanging");
        return ControlSurvived;
    }

    /// <summary>Whether this process's uffd is user-mode-only (set by <see cref="PrintUffd"/>); every region checks it got the same.</summary>
    public static bool? UserModeOnly { get; private set; }

    /// <summary>Which uffd this process gets (the regions, which allow user-mode-only, get the same): user-mode-only as nobody.</summary>
    private static void PrintUffd()
    {
        using Userfaultfd uffd = Userfaultfd.Create();
        UserModeOnly = uffd.IsUserModeOnly;
        Output.Line($"uffd path={uffd.CreationPath} usermodeonly={uffd.IsUserModeOnly.ToString().ToLowerInvariant()}");
    }

    private static double ParseSeconds(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s <= 600
            ? s
            : throw new ArgumentException($"bad duration '{text}'");
}
