using System.Diagnostics.Metrics;
using Uffd.Regions;

namespace Uffd.Runtime.Tests.Metrics;

/// <summary>
/// A <see cref="MeterListener"/> on the runtime's meter, as dotnet-counters or OpenTelemetry would attach one. It
/// keeps the observable counters' values of the last <see cref="Collect"/>, and the service times of one region's
/// faults, recorded on the handler threads without allocating (preallocated slots, interlocked), so the allocation
/// test can run with it attached.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private const int Capacity = 1 << 16;

    private readonly MeterListener listener = new();
    private readonly string timedRegion;
    private readonly Dictionary<string, Instrument> instruments = [];
    private readonly Dictionary<(string Instrument, string Region, string? Tag), long> observed = [];
    private readonly Dictionary<string, HashSet<string>> tagKeys = [];
    private readonly double[] durations = new double[Capacity];
    private readonly string?[] durationKinds = new string?[Capacity];
    private int durationCount;

    /// <param name="timeRegion">Enable the service-time histogram and keep the measurements of this region, or null.</param>
    public MetricsCollector(string? timeRegion = null)
    {
        timedRegion = timeRegion ?? "";
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name != FaultRegionMetrics.MeterName)
            {
                return;
            }

            lock (instruments)
            {
                instruments[instrument.Name] = instrument;
            }

            if (timeRegion is not null || instrument is not Histogram<double>)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnCounter);
        listener.SetMeasurementEventCallback<double>(OnDuration);
        listener.Start();
    }

    /// <summary>The meter's instruments this listener was told about, by name.</summary>
    public IReadOnlyDictionary<string, Instrument> Instruments
    {
        get
        {
            lock (instruments)
            {
                return new Dictionary<string, Instrument>(instruments);
            }
        }
    }

    /// <summary>Service-time measurements of the timed region so far.</summary>
    public int DurationCount => Volatile.Read(ref durationCount);

    /// <summary>The timed region's service times (seconds) of one kind of fault.</summary>
    public double[] Durations(string kind) =>
        Enumerable.Range(0, Math.Min(DurationCount, Capacity)).Where(i => durationKinds[i] == kind).Select(i => durations[i]).ToArray();

    /// <summary>Runs every observable callback now and keeps what they reported (replacing the previous collection).</summary>
    public void Collect()
    {
        lock (observed)
        {
            observed.Clear();
        }

        listener.RecordObservableInstruments();
    }

    /// <summary>What the last <see cref="Collect"/> reported for the region (and second tag's value), or null.</summary>
    public long? Observed(string instrument, string region, string? tag = null)
    {
        lock (observed)
        {
            return observed.TryGetValue((instrument, region, tag), out long value) ? value : null;
        }
    }

    /// <summary>Whether the last <see cref="Collect"/> reported anything for the region.</summary>
    public bool Reports(string region)
    {
        lock (observed)
        {
            return observed.Keys.Any(k => k.Region == region);
        }
    }

    /// <summary>The tags of every measurement of the last <see cref="Collect"/> for the region, by instrument.</summary>
    public IEnumerable<(string Instrument, string? Tag)> Series(string region)
    {
        lock (observed)
        {
            return observed.Keys.Where(k => k.Region == region).Select(k => (k.Instrument, k.Tag)).ToList();
        }
    }

    /// <summary>Every tag key the instrument's observations carried so far.</summary>
    public IReadOnlyCollection<string> TagKeys(string instrument)
    {
        lock (observed)
        {
            return tagKeys.TryGetValue(instrument, out HashSet<string>? keys) ? keys.ToList() : [];
        }
    }

    public void Dispose() => listener.Dispose();

    private void OnCounter(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        (string region, string? tag) = Read(tags);
        lock (observed)
        {
            if (!tagKeys.TryGetValue(instrument.Name, out HashSet<string>? keys))
            {
                tagKeys[instrument.Name] = keys = [];
            }

            foreach (KeyValuePair<string, object?> t in tags)
            {
                keys.Add(t.Key);
            }

            Assert.True(observed.TryAdd((instrument.Name, region, tag), value), $"{instrument.Name} reported {region}/{tag} twice in one collection");
        }
    }

    // On a handler thread: no allocation, no lock.
    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        (string region, string? kind) = Read(tags);
        if (instrument.Name == FaultRegionMetrics.FaultDuration && region == timedRegion)
        {
            int slot = Interlocked.Increment(ref durationCount) - 1;
            if (slot < Capacity)
            {
                durations[slot] = seconds;
                durationKinds[slot] = kind;
            }
        }
    }

    /// <summary>The region name, and the value of the other tag (kind of fault, or of fill) if there is one.</summary>
    private static (string Region, string? Tag) Read(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string region = "";
        string? other = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == FaultRegionMetrics.RegionNameTag)
            {
                region = (string)tag.Value!;
            }
            else
            {
                other = (string?)tag.Value;
            }
        }

        return (region, other);
    }
}
