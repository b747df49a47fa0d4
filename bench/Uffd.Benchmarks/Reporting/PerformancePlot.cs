using System.Collections.Generic;
using System.Linq;
using ScottPlot;
using Uffd.Benchmarks.Benchmarks;

namespace Uffd.Benchmarks.Reporting;

/// <summary>
/// The figure of docs/performance.md: round trip per strategy, per-page cost against read-ahead, and faults per
/// second against faulting and handler threads, C and UffdGen side by side from the same run.
/// </summary>
internal static class PerformancePlot
{
    private static readonly Color CColor = Colors.SlateGray;
    private static readonly Color UffdGenColor = Colors.DodgerBlue;

    public static void Save(IReadOnlyList<CaseResult> cases, string path)
    {
        var figure = new Multiplot();
        figure.AddPlots(3);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        RoundTrips(figure.GetPlot(0), cases);
        ReadAhead(figure.GetPlot(1), cases);
        Threads(figure.GetPlot(2), cases);
        figure.SavePng(path, 1500, 520);
    }

    private static void RoundTrips(Plot plot, IReadOnlyList<CaseResult> cases)
    {
        string[] order = [RoundTrip.CBlocking, RoundTrip.COnePinned, RoundTrip.CPinnedPerCpu, RoundTrip.OneHandler, RoundTrip.Default];
        var rows = order.Select(h => cases.FirstOrDefault(c => c.Family == nameof(RoundTrip) && c.Handler == h && c.Succeeded))
            .OfType<CaseResult>().ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            plot.Add.Bar(new Bar
            {
                Position = i,
                Value = rows[i].MicrosecondsPerPage,
                FillColor = rows[i].IsC ? CColor : UffdGenColor,
                Label = rows[i].MicrosecondsPerPage.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(),
            rows.Select(r => r.Handler.Replace(" (seed)", "", System.StringComparison.Ordinal).Replace(" ", "\n", System.StringComparison.Ordinal)).ToArray());
        // Head room above the tallest bar, so the legend and the value labels never cover a bar.
        plot.Axes.SetLimitsY(0, rows.Count == 0 ? 1 : rows.Max(r => r.MicrosecondsPerPage) * 1.35);
        plot.Title("Random MISSING round trip");
        plot.YLabel("µs per fault (lower is better)");
        Legend(plot);
    }

    private static void ReadAhead(Plot plot, IReadOnlyList<CaseResult> cases)
    {
        int[] readAheads = [0, 16, 64, 256];
        foreach ((string handler, Color color) in new[]
                 {
                     (SequentialScan.C, CColor), (SequentialScan.UffdGen, UffdGenColor), (SequentialScan.UffdGenZeroed, Colors.LightSkyBlue),
                 })
        {
            var points = readAheads
                .Select((ra, i) => (i, c: cases.FirstOrDefault(c => c.Family == nameof(SequentialScan) && c.Handler == handler && c.ReadAhead == ra && c.Succeeded)))
                .Where(p => p.c is not null).ToList();
            var line = plot.Add.Scatter(points.Select(p => (double)p.i).ToArray(), points.Select(p => p.c!.MicrosecondsPerPage).ToArray());
            line.Color = color;
            line.LegendText = handler;
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }

        CaseResult? anon = cases.FirstOrDefault(c => c.Family == nameof(AnonymousWrite) && c.Handler == AnonymousWrite.C && c.Succeeded);
        if (anon is not null)
        {
            var floor = plot.Add.HorizontalLine(anon.MicrosecondsPerPage);
            floor.Color = Colors.DarkOrange;
            floor.LinePattern = LinePattern.Dashed;
            floor.LegendText = "anonymous write fault (no uffd)";
        }

        plot.Axes.Bottom.SetTicks([0, 1, 2, 3], readAheads.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsY(0, double.NaN);
        plot.Title($"Sequential scan, {(cases.FirstOrDefault(c => c.Family == nameof(SequentialScan))?.Pages ?? 0) * System.Environment.SystemPageSize >> 20} MiB");
        plot.XLabel("read-ahead (pages per fault - 1)");
        plot.YLabel("µs per page (lower is better)");
        plot.ShowLegend(Alignment.UpperRight);
    }

    private static void Threads(Plot plot, IReadOnlyList<CaseResult> cases)
    {
        (int Faulters, int Handlers)[] configs = [(2, 1), (2, 2), (4, 1), (4, 2)];
        for (int i = 0; i < configs.Length; i++)
        {
            foreach ((string handler, Color color, double offset) in new[] { (FaultingThreads.C, CColor, -0.2), (FaultingThreads.UffdGen, UffdGenColor, 0.2) })
            {
                CaseResult? c = cases.FirstOrDefault(r => r.Family == nameof(FaultingThreads) && r.Handler == handler &&
                                                          r.Faulters == configs[i].Faulters && r.Handlers == configs[i].Handlers && r.Succeeded);
                if (c is not null)
                {
                    plot.Add.Bar(new Bar { Position = i + offset, Value = c.FaultsPerSecond / 1000, FillColor = color, Size = 0.38 });
                }
            }
        }

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, configs.Length).Select(i => (double)i).ToArray(),
            configs.Select(k => $"{k.Faulters} faulting\n{k.Handlers} handler{(k.Handlers > 1 ? "s" : "")}").ToArray());
        double tallest = cases.Where(r => r.Family == nameof(FaultingThreads) && r.Succeeded).Select(r => r.FaultsPerSecond / 1000).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, tallest * 1.35);
        plot.Title("Faulting threads × handler threads");
        plot.YLabel("thousand faults per second (higher is better)");
        Legend(plot);
    }

    private static void Legend(Plot plot)
    {
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "C reference", FillColor = CColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "UffdGen (generated)", FillColor = UffdGenColor });
        plot.ShowLegend(Alignment.UpperRight);
    }
}
