using System;
using System.Threading;
using System.Collections.Generic;

namespace Uffd.Regions;

/// <summary>What the registry reads from an open region: its name and its counters.</summary>
internal interface IRegionMetricsSource
{
    string Name { get; }

    FaultRegionStatistics Statistics { get; }
}

/// <summary>
/// The regions the meter's observable counters read, as one series per region name: the sum of the open regions of
/// that name and of the final counts of those already disposed. A region is added once it serves faults and removed
/// by its Dispose, which leaves only its counts behind, so the meter never keeps a disposed region alive nor reads it
/// again (an open one needs no weak reference: its handler threads keep it alive anyway).
/// </summary>
/// <remarks>
/// Per name, not per region, and kept after the last region of a name is disposed, because the counters are read only
/// when a listener collects (every second or so): a region opened and disposed between two collections (one per
/// request, per test round) would otherwise never be counted, and a series per region would start again from zero
/// with each new one. So a series is monotonic, like a counter incremented on every fault. Names whose regions are
/// all disposed are kept up to <see cref="MaxClosedSeries"/>; past that the one closed longest ago is forgotten, so
/// names made up at run time cannot grow the registry without bound.
/// </remarks>
internal static class RegionMetricsRegistry
{
    /// <summary>Series with no open region kept for their totals.</summary>
    internal const int MaxClosedSeries = 256;

    private static readonly object Gate = new();
    private static readonly Dictionary<string, Series> ByName = new(StringComparer.Ordinal);
    private static long closings;

    /// <summary>
    /// For tests: holds the registry's lock on the calling thread until the result is disposed there, so that an Open
    /// stops just after its region started serving (Open registers the region last).
    /// </summary>
    internal static IDisposable HoldForTests()
    {
        Monitor.Enter(Gate);
        return new Releaser();
    }

    private sealed class Releaser : IDisposable
    {
        public void Dispose() => Monitor.Exit(Gate);
    }

    public static void Add(IRegionMetricsSource region)
    {
        lock (Gate)
        {
            if (!ByName.TryGetValue(region.Name, out Series? series))
            {
                series = new Series(region.Name);
                ByName.Add(region.Name, series);
            }

            series.Open.Add(region);
        }
    }

    /// <summary>Stops reading the region and keeps its final counts in the series of its name.</summary>
    public static void Remove(IRegionMetricsSource region)
    {
        lock (Gate)
        {
            if (!ByName.TryGetValue(region.Name, out Series? series) || !series.Open.Remove(region))
            {
                return;
            }

            series.Closed = Add(series.Closed, region.Statistics);
            if (series.Open.Count == 0)
            {
                series.ClosedAt = ++closings;
                ForgetOldestClosed();
            }
        }
    }

    /// <summary>The totals of every series, tagged with its region name (called by the meter's callbacks only).</summary>
    public static List<(KeyValuePair<string, object?> Region, FaultRegionStatistics Totals)> Snapshot()
    {
        lock (Gate)
        {
            var totals = new List<(KeyValuePair<string, object?>, FaultRegionStatistics)>(ByName.Count);
            foreach (Series series in ByName.Values)
            {
                FaultRegionStatistics sum = series.Closed;
                foreach (IRegionMetricsSource region in series.Open)
                {
                    sum = Add(sum, region.Statistics);
                }

                totals.Add((series.Tag, sum));
            }

            return totals;
        }
    }

    private static void ForgetOldestClosed()
    {
        while (true)
        {
            int closed = 0;
            Series? oldest = null;
            foreach (Series series in ByName.Values)
            {
                if (series.Open.Count == 0)
                {
                    closed++;
                    if (oldest is null || series.ClosedAt < oldest.ClosedAt)
                    {
                        oldest = series;
                    }
                }
            }

            if (closed <= MaxClosedSeries)
            {
                return;
            }

            ByName.Remove(oldest!.Name);
        }
    }

    private static FaultRegionStatistics Add(FaultRegionStatistics a, FaultRegionStatistics b) =>
        new(a.Messages + b.Messages, a.PagesFilled + b.PagesFilled, a.ZeroPages + b.ZeroPages, a.PoisonedPages + b.PoisonedPages,
            a.WriteFaults + b.WriteFaults, a.MinorFaults + b.MinorFaults, a.AlreadyPresent + b.AlreadyPresent,
            a.Retries + b.Retries, a.ProviderErrors + b.ProviderErrors)
        {
            MissingMessages = a.MissingMessages + b.MissingMessages,
            MinorMessages = a.MinorMessages + b.MinorMessages,
            WriteProtectMessages = a.WriteProtectMessages + b.WriteProtectMessages,
        };

    private sealed class Series(string name)
    {
        public readonly string Name = name;

        public readonly KeyValuePair<string, object?> Tag = new(FaultRegionMetrics.RegionNameTag, name);

        public readonly List<IRegionMetricsSource> Open = [];

        public FaultRegionStatistics Closed;

        /// <summary>When the last open region of the name was disposed (an ordinal), if none is open.</summary>
        public long ClosedAt;
    }
}
