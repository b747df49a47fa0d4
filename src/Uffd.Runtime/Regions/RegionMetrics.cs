using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Uffd.Regions;

/// <summary>
/// The runtime's one meter (<see cref="FaultRegionMetrics.MeterName"/>) and its instruments.
/// </summary>
/// <remarks>
/// The counts cost the fault path nothing: they are observable counters whose callbacks run only when a listener
/// collects, and then sum the same plain per-handler-thread fields <see cref="FaultRegionEngine{T}.Statistics"/>
/// reads. Only the service-time histogram is recorded on the fault path, by <see cref="RecordFault"/>, and the
/// handler reads the clock for it only while a listener has enabled it; its tags are prebuilt pairs passed to the
/// two-tag <c>Record</c> overload, which keeps them on the stack, so a measurement allocates nothing on our side.
/// </remarks>
internal static class RegionMetrics
{
    private static readonly Meter Meter = new(FaultRegionMetrics.MeterName, typeof(RegionMetrics).Assembly.GetName().Version?.ToString());

    private static readonly KeyValuePair<string, object?> Missing = new(FaultRegionMetrics.FaultKindTag, "missing");
    private static readonly KeyValuePair<string, object?> Minor = new(FaultRegionMetrics.FaultKindTag, "minor");
    private static readonly KeyValuePair<string, object?> WriteProtect = new(FaultRegionMetrics.FaultKindTag, "write_protect");
    private static readonly KeyValuePair<string, object?> Filled = new(FaultRegionMetrics.PageFillTag, "filled");
    private static readonly KeyValuePair<string, object?> Zero = new(FaultRegionMetrics.PageFillTag, "zero");
    private static readonly KeyValuePair<string, object?> Poisoned = new(FaultRegionMetrics.PageFillTag, "poisoned");

    /// <summary>
    /// Seconds, as OpenTelemetry names durations; the buckets are advice for exporters whose defaults (milliseconds
    /// to seconds) would put every fault in the first one: a fault is served in microseconds, a slow provider in
    /// milliseconds.
    /// </summary>
    public static readonly Histogram<double> FaultDuration = Meter.CreateHistogram(
        FaultRegionMetrics.FaultDuration,
        unit: "s",
        description: "Time a handler took to serve a page-fault message, from its read to the return of the resolving ioctl.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 1e-1, 1],
        });

    // Created with the meter (a field, not a static constructor, so the class stays beforefieldinit); kept only so
    // that they exist: the meter holds them and calls their callbacks.
    private static readonly Instrument[] Counters =
    [
        Meter.CreateObservableCounter(FaultRegionMetrics.Faults, ObserveFaults, "{fault}",
            "Page-fault messages the handlers read (duplicates included), by kind of fault."),
        Meter.CreateObservableCounter(FaultRegionMetrics.Pages, ObservePages, "{page}",
            "Pages installed, by how: filled by the provider (read-ahead included), zero, or poisoned."),
        Meter.CreateObservableCounter(FaultRegionMetrics.AlreadyPresent, () => Observe(static s => s.AlreadyPresent), "{resolution}",
            "Resolutions that found the page already present (EEXIST) and answered with a wake."),
        Meter.CreateObservableCounter(FaultRegionMetrics.Retries, () => Observe(static s => s.Retries), "{retry}",
            "Resolutions retried because the kernel answered EAGAIN (an event was pending)."),
        Meter.CreateObservableCounter(FaultRegionMetrics.ProviderErrors, () => Observe(static s => s.ProviderErrors), "{error}",
            "Exceptions thrown by the page provider or the write handler."),
    ];

    /// <summary>The tag every measurement of a region carries.</summary>
    public static KeyValuePair<string, object?> RegionTag(string name) => new(FaultRegionMetrics.RegionNameTag, name);

    /// <summary>Records the service time of one fault read at <paramref name="readAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void RecordFault(long readAt, in PageFaultEvent fault, KeyValuePair<string, object?> region)
    {
        // Not Stopwatch.GetElapsedTime: a TimeSpan rounds to 100 ns, a tenth of the fastest faults.
        double seconds = (Stopwatch.GetTimestamp() - readAt) / (double)Stopwatch.Frequency;
        FaultDuration.Record(seconds, region, fault.IsWriteProtect ? WriteProtect : fault.IsMinor ? Minor : Missing);
    }

    private static List<Measurement<long>> ObserveFaults()
    {
        var measurements = new List<Measurement<long>>();
        foreach ((KeyValuePair<string, object?> region, FaultRegionStatistics s) in RegionMetricsRegistry.Snapshot())
        {
            measurements.Add(new(s.MissingMessages, region, Missing));
            measurements.Add(new(s.MinorMessages, region, Minor));
            measurements.Add(new(s.WriteProtectMessages, region, WriteProtect));
        }

        return measurements;
    }

    private static List<Measurement<long>> ObservePages()
    {
        var measurements = new List<Measurement<long>>();
        foreach ((KeyValuePair<string, object?> region, FaultRegionStatistics s) in RegionMetricsRegistry.Snapshot())
        {
            measurements.Add(new(s.PagesFilled, region, Filled));
            measurements.Add(new(s.ZeroPages, region, Zero));
            measurements.Add(new(s.PoisonedPages, region, Poisoned));
        }

        return measurements;
    }

    private static List<Measurement<long>> Observe(Func<FaultRegionStatistics, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach ((KeyValuePair<string, object?> region, FaultRegionStatistics s) in RegionMetricsRegistry.Snapshot())
        {
            measurements.Add(new(value(s), region));
        }

        return measurements;
    }
}
