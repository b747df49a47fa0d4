using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace Uffd.Torture;

/// <summary>Runs one (mode, path) for a while, round after round, and prints its result line.</summary>
internal static class Runner
{
    public const int Workers = 3;

    /// <summary>How long the main thread waits for a round's workers before it reports them stuck.</summary>
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(20);

    /// <summary>True when the path passed.</summary>
    public static bool Run(Scenario scenario, string path, int run, double seconds, bool heartbeat)
    {
        Output.Line($"begin mode={scenario.Mode} path={path} run={run}");
        var failures = new Failures();
        var totals = new Totals();
        int gcsBefore = GcPressure.Collections;
        long started = Stopwatch.GetTimestamp();
        do
        {
            int round = (int)++totals.Rounds;
            if (heartbeat)
            {
                Output.Line($"phase mode={scenario.Mode} path={path} run={run} round={round}");
            }

            if (!RunRound(scenario, path, round, failures, totals))
            {
                break;
            }
        }
        while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds && failures.Count == 0);

        int gcs = GcPressure.Collections - gcsBefore;
        foreach (string failure in failures.First)
        {
            Output.Line($"failure mode={scenario.Mode} path={path} run={run}: {failure}");
        }

        Output.Line(string.Create(CultureInfo.InvariantCulture,
            $"result mode={scenario.Mode} path={path} run={run} rounds={totals.Rounds} pages={totals.Pages} provider={totals.ProviderCalls} " +
            $"writes={totals.WriteCalls} collected={totals.Collected} protects={totals.Protects} managed-write-faults={totals.ManagedWriteFaults} " +
            $"gcs={gcs} seconds={Stopwatch.GetElapsedTime(started).TotalSeconds:F2} {(failures.Count == 0 ? "ok" : $"FAIL failures={failures.Count}")}"));
        return failures.Count == 0;
    }

    /// <summary>One round: fresh regions, the workers, the checks. False when the round could not run at all.</summary>
    private static bool RunRound(Scenario scenario, string path, int round, Failures failures, Totals totals)
    {
        ulong seed = (ulong)Random.Shared.NextInt64() | 1;
        try
        {
            scenario.Open(path, seed);
        }
        catch (Exception e)
        {
            failures.Add($"round {round}: Open failed: {e.GetType().Name}: {e.Message}");
            return false;
        }

        try
        {
            var k = new RoundInfo(round, scenario.Region.Log.Seed, (ulong)Random.Shared.NextInt64(), scenario.Region.PageSize, scenario.Pages, Workers);
            scenario.Prepare(path, k);
            long[] progress = new long[Workers];
            var clock = new RoundProgress();
            var workers = new Thread[Workers];
            for (int w = 0; w < Workers; w++)
            {
                int worker = w;
                workers[w] = new Thread(() => Work(scenario, path, k, worker, failures, progress, clock))
                {
                    IsBackground = true,
                    Name = $"tort worker {w}",
                };
            }

            Thread? background = null;
            if (scenario.Background(path, k, totals) is { } loop)
            {
                background = new Thread(() =>
                {
                    try
                    {
                        loop(clock);
                    }
                    catch (Exception e)
                    {
                        failures.Add($"round {round} background: {e.GetType().Name}: {e.Message}");
                    }
                })
                { IsBackground = true, Name = "tort background" };
                background.Start();
            }

            foreach (Thread t in workers)
            {
                t.Start();
            }

            foreach (Thread t in workers)
            {
                if (!t.Join(StuckAfter))
                {
                    // Not a GC deadlock (this thread could still wake up): something left a fault unserved.
                    Output.Line($"stuck mode={scenario.Mode} path={path} round={round}: workers at pages {string.Join(',', progress)} " +
                                $"after {StuckAfter.TotalSeconds} s; statistics {scenario.Region.Statistics}");
                    Environment.Exit(Program.Stuck);
                }
            }

            clock.Finish();
            if (background is not null && !background.Join(StuckAfter))
            {
                Output.Line($"stuck mode={scenario.Mode} path={path} round={round}: the background thread did not stop");
                Environment.Exit(Program.Stuck);
            }

            scenario.Verify(path, k, failures, totals);
            totals.Pages += k.Pages;
            return true;
        }
        catch (Exception e)
        {
            failures.Add($"round {round}: {e.GetType().Name}: {e.Message}");
            return true;
        }
        finally
        {
            scenario.Close();
        }
    }

    private static void Work(Scenario scenario, string path, RoundInfo k, int worker, Failures failures, long[] progress, RoundProgress clock)
    {
        byte[] buffer = new byte[k.PageSize];
        bool partitioned = scenario.Partitioned(path);
        // Workers start at different pages and half of them walk backwards, so they fault different pages at
        // first and then meet on pages another one is filling or has filled.
        int start = (int)((long)worker * k.Pages / k.Workers);
        int step = worker % 2 == 0 ? 1 : -1;
        for (int i = 0; i < k.Pages; i++)
        {
            long page = ((start + step * i) % k.Pages + k.Pages) % k.Pages;
            if (partitioned && page % k.Workers != worker)
            {
                continue;
            }

            Volatile.Write(ref progress[worker], page);
            try
            {
                if (scenario.Touch(path, k, page, worker, buffer) is { } error)
                {
                    failures.Add($"round {k.Round} worker {worker}: {error}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"round {k.Round} worker {worker} page {page}: {e.GetType().Name}: {e.Message}");
            }

            clock.Touch();
        }
    }
}
