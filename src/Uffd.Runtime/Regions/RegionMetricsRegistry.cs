using System;
using System.Collections.Generic;

namespace Uffd.Regions;

/// <summary>What the registry reads from an open region: its name and its counters.</summary>
internal interface IRegionMetricsSource
{
    string Name { get; }

    FaultRegionStatistics Statistics { get; }
}

/// <summary>
/// The open regions the meter's observable instruments read, grouped into one series per region name. A region is
/// added once it serves faults and removed by its Dispose, so the meter never keeps a disposed region alive or reads
/// it again (an open region needs no weak reference: its handler threads keep it alive anyway).
/// </summary>
/// <remarks>
/// One series per name, not per region: a callback must not report two measurements with the same tags, and
/// regions opened again and again under one name (a region per request, per test round) would otherwise make a new
/// series each time. A region disposed while others of its name are still open leaves its final counts in the series,
/// so the totals never go down while the series exists; the series ends with the last region of its name, and one
/// opened later starts again from zero (what exporters read as a counter reset).
/// </remarks>
internal static class RegionMetricsRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Series> ByName = new(StringComparer.Ordinal);

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

    /// <summary>Stops reading the region; its counts stay in its series while other regions of its name are open.</summary>
    public static void Remove(IRegionMetricsSource region)
    {
        lock (Gate)
        {
            if (!ByName.TryGetValue(region.Name, out Series? series) || !series.Open.Remove(region))
            {
                return;
            }

            if (series.Open.Count == 0)
            {
                ByName.Remove(region.Name);
            }
            else
            {
                series.Closed = Add(series.Closed, region.Statistics);
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
        public readonly KeyValuePair<string, object?> Tag = new(FaultRegionMetrics.RegionNameTag, name);

        public readonly List<IRegionMetricsSource> Open = [];

        public FaultRegionStatistics Closed;
    }
}
