using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// The runtime's one meter (<see cref="FaultRegionMetrics.MeterName"/>) and its instruments, created by the first
/// region <c>Open</c> that can.
/// </summary>
/// <remarks>
/// <para>
/// The counts cost the fault path nothing: they are observable counters whose callbacks run only when a listener
/// collects, and then sum the same plain per-handler-thread fields <see cref="FaultRegionEngine{T}.Statistics"/>
/// reads. Only the service-time histogram is recorded on the fault path, by <see cref="RecordFault"/>, and the
/// handler reads the clock for it only while a listener has enabled it; its tags are prebuilt pairs passed to the
/// two-tag <c>Record</c> overload, which keeps them on the stack, so a measurement allocates nothing on our side.
/// </para>
/// <para>
/// Metrics never cost a region its <c>Open</c>. Creating the meter loads assemblies (System.Diagnostics.DiagnosticSource
/// and what it needs), which fails at the descriptor limit; as a static initializer that failure was a
/// TypeInitializationException for every later Open of the process (the adversarial fd-limit case caught it). So
/// <see cref="TryCreate"/> catches it and the region serves without timing, and only the non-inlined methods here
/// name the meter's types: a handler thread never makes the JIT load them unless the meter exists. Later Opens try
/// again, but the runtime remembers a failed assembly load for the life of the process, so such a process has no
/// region metrics; its regions work the same.
/// </para>
/// </remarks>
internal static class RegionMetrics
{
    private static readonly object Gate = new();

    private static readonly KeyValuePair<string, object?> Missing = new(FaultRegionMetrics.FaultKindTag, "missing");
    private static readonly KeyValuePair<string, object?> Minor = new(FaultRegionMetrics.FaultKindTag, "minor");
    private static readonly KeyValuePair<string, object?> WriteProtect = new(FaultRegionMetrics.FaultKindTag, "write_protect");
    private static readonly KeyValuePair<string, object?> Filled = new(FaultRegionMetrics.PageFillTag, "filled");
    private static readonly KeyValuePair<string, object?> Zero = new(FaultRegionMetrics.PageFillTag, "zero");
    private static readonly KeyValuePair<string, object?> Poisoned = new(FaultRegionMetrics.PageFillTag, "poisoned");

    private static bool created;

    // Touched only by the non-inlined methods below (see the remarks).
    private static Meter? meter;
    private static Histogram<double>? faultDuration;

    /// <summary>The histogram, for tests; the meter must exist (<see cref="TryCreate"/>).</summary>
    internal static Histogram<double> FaultDuration
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        get => faultDuration ?? throw new InvalidOperationException("The Uffd.Regions meter was not created.");
    }

    /// <summary>
    /// Creates the meter and its instruments unless they exist; false when they cannot be created now (an assembly
    /// they need could not be loaded, as at the descriptor limit). Never throws.
    /// </summary>
    public static bool TryCreate()
    {
        if (Volatile.Read(ref created))
        {
            return true;
        }

        lock (Gate)
        {
            if (!created)
            {
                try
                {
                    Create();
                }
                catch (Exception e) when (e is IOException or TypeLoadException or TypeInitializationException)
                {
                    return false;
                }

                Volatile.Write(ref created, true);
            }

            return true;
        }
    }

    /// <summary>The tag every measurement of a region carries.</summary>
    public static KeyValuePair<string, object?> RegionTag(string name) => new(FaultRegionMetrics.RegionNameTag, name);

    /// <summary>A <see cref="Stopwatch"/> timestamp while a listener has enabled the histogram, else 0. The meter must exist.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long ClockIfTimed() => faultDuration!.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the service time of one fault read at <paramref name="readAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void RecordFault(long readAt, in PageFaultEvent fault, KeyValuePair<string, object?> region)
    {
        // Not Stopwatch.GetElapsedTime: a TimeSpan rounds to 100 ns, a tenth of the fastest faults.
        double seconds = (Stopwatch.GetTimestamp() - readAt) / (double)Stopwatch.Frequency;
        faultDuration!.Record(seconds, region, fault.IsWriteProtect ? WriteProtect : fault.IsMinor ? Minor : Missing);
    }

    /// <summary>
    /// The meter and its instruments. A retry after a failure reuses what the failed try made: a Meter returns the
    /// instrument it already has for the same name and unit, so none is published twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Create()
    {
        meter ??= new Meter(FaultRegionMetrics.MeterName, typeof(RegionMetrics).Assembly.GetName().Version?.ToString());

        // Seconds, as OpenTelemetry names durations; the buckets are advice for exporters whose defaults (milliseconds
        // to seconds) would put every fault in the first one: a fault is served in microseconds, a slow provider in
        // milliseconds.
        faultDuration = meter.CreateHistogram(
            FaultRegionMetrics.FaultDuration,
            unit: "s",
            description: "Time a handler took to serve a page-fault message, from its read to the return of the resolving ioctl.",
            tags: null,
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 1e-1, 1],
            });
        meter.CreateObservableCounter(FaultRegionMetrics.Faults, ObserveFaults, "{fault}",
            "Page-fault messages the handlers read (duplicates included), by kind of fault.");
        meter.CreateObservableCounter(FaultRegionMetrics.Pages, ObservePages, "{page}",
            "Pages installed, by how: filled by the provider (read-ahead included), zero, or poisoned.");
        meter.CreateObservableCounter(FaultRegionMetrics.AlreadyPresent, static () => Observe(static s => s.AlreadyPresent), "{resolution}",
            "Resolutions that found the page already present (EEXIST) and answered with a wake.");
        meter.CreateObservableCounter(FaultRegionMetrics.Retries, static () => Observe(static s => s.Retries), "{retry}",
            "Resolutions retried because the kernel answered EAGAIN (an event was pending).");
        meter.CreateObservableCounter(FaultRegionMetrics.ProviderErrors, static () => Observe(static s => s.ProviderErrors), "{error}",
            "Exceptions thrown by the page provider or the write handler.");
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
