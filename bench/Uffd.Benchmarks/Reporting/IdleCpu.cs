using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Reporting;

/// <summary>What an open region's idle handler threads cost: CPU time and wake-ups while nothing faults.</summary>
internal sealed record IdleCpuResult(int HandlerThreads, TimeSpan Window, double CpuMilliseconds, long ContextSwitches, double ProcessCpuMilliseconds);

internal static class IdleCpu
{
    // Handler threads are named "uffd dispatch #<n>" (the shared dispatcher) or "uffd <Region> #<n>"; comm keeps 15 characters.
    private const string HandlerNamePrefix = "uffd ";

    public static IdleCpuResult Measure(TimeSpan window)
    {
        using var region = new PinnedPerCpuRegion();
        region.Open(1024);
        region.Prefault(0, 64L * region.PageSize); // served faults first: the loop is in its steady state
        // The last fault's handler may still be on its way back into poll when Prefault returns; that switch is the
        // end of the work, not idle cost, so the window starts once it has settled.
        Thread.Sleep(200);
        List<int> handlers = HandlerThreadIds();
        if (handlers.Count == 0)
        {
            throw new InvalidOperationException("No handler thread found in /proc/self/task (expected names starting with 'uffd ').");
        }

        (long ticksBefore, long switchesBefore) = Sample(handlers);
        TimeSpan processBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        Thread.Sleep(window);
        (long ticksAfter, long switchesAfter) = Sample(handlers);
        TimeSpan processAfter = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        double msPerTick = 1000.0 / 100; // USER_HZ is 100 on Linux x86-64
        return new IdleCpuResult(handlers.Count, window, (ticksAfter - ticksBefore) * msPerTick, switchesAfter - switchesBefore,
            (processAfter - processBefore).TotalMilliseconds);
    }

    private static List<int> HandlerThreadIds()
    {
        var ids = new List<int>();
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            string comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            if (comm.StartsWith(HandlerNamePrefix, StringComparison.Ordinal))
            {
                ids.Add(int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return ids;
    }

    private static (long Ticks, long Switches) Sample(List<int> threads)
    {
        long ticks = 0, switches = 0;
        foreach (int tid in threads)
        {
            // stat: the comm field may hold spaces, so count fields after its closing parenthesis (utime, stime: 14, 15).
            string stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                   + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            foreach (string line in File.ReadLines($"/proc/self/task/{tid}/status"))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                    line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return (ticks, switches);
    }
}
