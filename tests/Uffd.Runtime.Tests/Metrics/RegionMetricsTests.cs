using System.Diagnostics.Metrics;
using System.IO;
using System.Runtime.CompilerServices;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;
using Uffd.Runtime.Tests.Regions;

namespace Uffd.Runtime.Tests.Metrics;

/// <summary>
/// The "Uffd.Regions" meter, read by a <see cref="MeterListener"/> as dotnet-counters or OpenTelemetry would: its
/// instruments, counters that equal <see cref="FaultRegionStatistics"/> after a known number of faults of each
/// kind, one service time per fault only while the histogram is enabled, one series per region name that keeps the
/// counts of its disposed regions without keeping them alive. Each test names its regions after itself and reads
/// only their series.
/// </summary>
public sealed class RegionMetricsTests
{
    [Fact]
    public void The_meter_publishes_each_instrument_with_its_kind_and_unit()
    {
        Assert.True(RegionMetrics.TryCreate()); // creates the meter, as the first region's Open does
        using var collector = new MetricsCollector();
        IReadOnlyDictionary<string, Instrument> instruments = collector.Instruments;

        Assert.Equal(
            [FaultRegionMetrics.AlreadyPresent, FaultRegionMetrics.FaultDuration, FaultRegionMetrics.Faults, FaultRegionMetrics.Pages,
             FaultRegionMetrics.ProviderErrors, FaultRegionMetrics.Retries],
            instruments.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Uffd.Regions", FaultRegionMetrics.MeterName);
        AssertInstrument<ObservableCounter<long>>(instruments, "uffd.region.faults", "{fault}");
        AssertInstrument<ObservableCounter<long>>(instruments, "uffd.region.pages", "{page}");
        AssertInstrument<ObservableCounter<long>>(instruments, "uffd.region.already_present", "{resolution}");
        AssertInstrument<ObservableCounter<long>>(instruments, "uffd.region.retries", "{retry}");
        AssertInstrument<ObservableCounter<long>>(instruments, "uffd.region.provider.errors", "{error}");
        AssertInstrument<Histogram<double>>(instruments, "uffd.region.fault.duration", "s");
    }

    [Fact]
    [Trait("Requires", "root")] // Page 2's poison is observed through a kernel-mode fault, which needs CAP_SYS_PTRACE here.
    public void The_counters_equal_Statistics_after_missing_zero_poison_error_and_write_faults()
    {
        const int Pages = 32;
        const string Name = "Metrics.Counts";
        long[] written = [16, 19, 23, 24, 31];
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) => c.PageIndex switch
            {
                1 => PageFill.Zero,
                2 => PageFill.Poison,
                3 => throw new InvalidDataException("page 3 is corrupt"),
                _ => Filled(c, page),
            },
        };
        using var collector = new MetricsCollector();
        using var region = TestRegion.Open(recorder, TestRegion.Settings(Name, Pages, FaultMode.Missing | FaultMode.WriteProtect) with
        {
            OnProviderError = ProviderErrorPolicy.ZeroFill,
            UserModeOnly = UserModeOnlyPolicy.Forbid,
        });

        // 32 missing faults: 29 filled, page 1 zero, page 2 poisoned (read by the kernel: a user read would SIGBUS),
        // page 3 zero after its provider threw. Then 5 write-protect faults.
        Faulter.Run(() => Enumerable.Range(0, Pages).Where(i => i != 2).Count(i => region.ReadPage(i).Length > 0)).Join();
        Assert.Equal(TestLibc.EFAULT, region.KernelReadErrno(2));
        region.Protect(16, 16);
        Faulter.Run(() =>
        {
            foreach (long page in written)
            {
                region.Write(page * region.PageSize + 8, new byte[] { 0xD1 });
            }

            return 0;
        }).Join();

        FaultRegionStatistics stats = region.SettledStatistics();
        collector.Collect();

        Assert.Equal(Pages, stats.MissingMessages);
        Assert.Equal(0, stats.MinorMessages);
        Assert.Equal(written.Length, stats.WriteProtectMessages);
        Assert.Equal(stats.Messages, stats.MissingMessages + stats.MinorMessages + stats.WriteProtectMessages);
        Assert.Equal((Pages - 3, 2, 1, written.Length, 1), (stats.PagesFilled, stats.ZeroPages, stats.PoisonedPages, stats.WriteFaults, stats.ProviderErrors));

        Assert.Equal(stats.MissingMessages, collector.Observed(FaultRegionMetrics.Faults, Name, "missing"));
        Assert.Equal(stats.MinorMessages, collector.Observed(FaultRegionMetrics.Faults, Name, "minor"));
        Assert.Equal(stats.WriteProtectMessages, collector.Observed(FaultRegionMetrics.Faults, Name, "write_protect"));
        Assert.Equal(stats.PagesFilled, collector.Observed(FaultRegionMetrics.Pages, Name, "filled"));
        Assert.Equal(stats.ZeroPages, collector.Observed(FaultRegionMetrics.Pages, Name, "zero"));
        Assert.Equal(stats.PoisonedPages, collector.Observed(FaultRegionMetrics.Pages, Name, "poisoned"));
        Assert.Equal(stats.AlreadyPresent, collector.Observed(FaultRegionMetrics.AlreadyPresent, Name));
        Assert.Equal(stats.Retries, collector.Observed(FaultRegionMetrics.Retries, Name));
        Assert.Equal(stats.ProviderErrors, collector.Observed(FaultRegionMetrics.ProviderErrors, Name));
        Assert.Equal(9, collector.Series(Name).Count()); // three kinds of fault, three of fill, three plain counters

        Assert.Equal([FaultRegionMetrics.FaultKindTag, FaultRegionMetrics.RegionNameTag], collector.TagKeys(FaultRegionMetrics.Faults).Order());
        Assert.Equal([FaultRegionMetrics.PageFillTag, FaultRegionMetrics.RegionNameTag], collector.TagKeys(FaultRegionMetrics.Pages).Order());
        Assert.Equal([FaultRegionMetrics.RegionNameTag], collector.TagKeys(FaultRegionMetrics.AlreadyPresent));
        Assert.Equal([FaultRegionMetrics.RegionNameTag], collector.TagKeys(FaultRegionMetrics.Retries));
        Assert.Equal([FaultRegionMetrics.RegionNameTag], collector.TagKeys(FaultRegionMetrics.ProviderErrors));
    }

    [Fact]
    public void Minor_faults_are_counted_and_timed_as_minor()
    {
        const int Pages = 8;
        const string Name = "Metrics.Minor";
        using var collector = new MetricsCollector(timeRegion: Name);
        using var region = TestRegion.Open(new RegionRecorder(Pages) { Filler = static (in PageFaultContext _, Span<byte> _) => PageFill.Filled },
            TestRegion.Settings(Name, Pages, FaultMode.Minor));
        for (int i = 0; i < Pages; i++)
        {
            region.AliasSpan((long)i * region.PageSize, region.PageSize).Fill((byte)i);
        }

        Faulter.Run(() => Enumerable.Range(0, Pages).Count(i => region.ReadPage(i)[0] == i)).Join();
        FaultRegionStatistics stats = region.SettledStatistics();
        collector.Collect();

        Assert.Equal(Pages, stats.MinorFaults);
        Assert.Equal(Pages, stats.MinorMessages);
        Assert.Equal(stats.MinorMessages, collector.Observed(FaultRegionMetrics.Faults, Name, "minor"));
        Assert.Equal(0, collector.Observed(FaultRegionMetrics.Faults, Name, "missing"));
        Assert.Equal(Pages, collector.Durations("minor").Length);
        Assert.Equal(Pages, collector.DurationCount);
    }

    [Fact]
    public void The_histogram_gets_one_service_time_per_fault_only_while_a_listener_enables_it()
    {
        const int Pages = 24;
        long[] written = [0, 5, 11, 17, 23, 7];

        // Counters enabled, histogram not: the handlers do not time (Enabled is false), so nothing is recorded.
        Assert.True(RegionMetrics.TryCreate());
        using (var countersOnly = new MetricsCollector(timeRegion: null))
        {
            Assert.False(RegionMetrics.FaultDuration.Enabled);
            (FaultRegionStatistics untimed, _) = Exercise("Metrics.Untimed", Pages, written, countersOnly);
            Assert.Equal(Pages + written.Length, untimed.Messages);
            Assert.Equal(untimed.MissingMessages, countersOnly.Observed(FaultRegionMetrics.Faults, "Metrics.Untimed", "missing"));
            Assert.Equal(0, countersOnly.DurationCount);
        }

        using var timed = new MetricsCollector(timeRegion: "Metrics.Timed");
        Assert.True(RegionMetrics.FaultDuration.Enabled);
        (FaultRegionStatistics stats, TimeSpan elapsed) = Exercise("Metrics.Timed", Pages, written, timed);

        Assert.Equal(stats.Messages, timed.DurationCount);
        double[] missing = timed.Durations("missing");
        double[] writes = timed.Durations("write_protect");
        Assert.Equal(stats.MissingMessages, missing.Length);
        Assert.Equal(stats.WriteProtectMessages, writes.Length);
        Assert.Equal(Pages, missing.Length);
        Assert.Equal(written.Length, writes.Length);
        Assert.All(missing.Concat(writes), s => Assert.InRange(s, 1e-9, elapsed.TotalSeconds));
    }

    [Fact]
    public void Regions_of_one_name_report_one_series_that_keeps_the_counts_of_those_disposed()
    {
        const string Name = "Metrics.SameName";
        using var collector = new MetricsCollector();
        var first = TestRegion.Open(new RegionRecorder(8), TestRegion.Settings(Name, 8));
        using (var second = TestRegion.Open(new RegionRecorder(8), TestRegion.Settings(Name, 8)))
        {
            try
            {
                Faulter.Run(() => Enumerable.Range(0, 3).Sum(i => first.ReadPage(i).Length)).Join();
                Faulter.Run(() => Enumerable.Range(0, 5).Sum(i => second.ReadPage(i).Length)).Join();
                collector.Collect();
                Assert.Equal(8, collector.Observed(FaultRegionMetrics.Pages, Name, "filled"));
            }
            finally
            {
                first.Dispose();
            }

            // The first region's pages stay in the series: the total never goes down.
            collector.Collect();
            Assert.Equal(8, collector.Observed(FaultRegionMetrics.Pages, Name, "filled"));
            Faulter.Run(() => Enumerable.Range(5, 2).Sum(i => second.ReadPage(i).Length)).Join();
            collector.Collect();
            Assert.Equal(10, collector.Observed(FaultRegionMetrics.Pages, Name, "filled"));
            Assert.Equal(10, collector.Observed(FaultRegionMetrics.Faults, Name, "missing"));
        }

        // All disposed: a region that lived between two collections is still counted; a new one adds to the total.
        collector.Collect();
        Assert.Equal(10, collector.Observed(FaultRegionMetrics.Pages, Name, "filled"));
        using var third = TestRegion.Open(new RegionRecorder(8), TestRegion.Settings(Name, 8));
        Faulter.Run(() => third.ReadPage(0).Length).Join();
        collector.Collect();
        Assert.Equal(11, collector.Observed(FaultRegionMetrics.Pages, Name, "filled"));
    }

    [Fact]
    public void The_meter_does_not_keep_a_disposed_region_alive()
    {
        using var collector = new MetricsCollector();
        WeakReference disposed = OpenTouchAndDispose("Metrics.Collected");
        Assert.True(Bounded.Until(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return !disposed.IsAlive;
        }), "the disposed region is still reachable");
        collector.Collect();
        Assert.Equal(1, collector.Observed(FaultRegionMetrics.Pages, "Metrics.Collected", "filled"));
    }

    [Fact]
    public void Names_whose_regions_are_all_disposed_are_kept_up_to_a_bound_the_oldest_forgotten_first()
    {
        using var collector = new MetricsCollector();
        var regions = Enumerable.Range(0, RegionMetricsRegistry.MaxClosedSeries + 1).Select(i => new FakeRegion($"Metrics.Closed.{i}", i)).ToList();
        foreach (FakeRegion region in regions)
        {
            RegionMetricsRegistry.Add(region);
            RegionMetricsRegistry.Remove(region);
        }

        collector.Collect();
        Assert.False(collector.Reports("Metrics.Closed.0"));
        Assert.Equal(1, collector.Observed(FaultRegionMetrics.Pages, "Metrics.Closed.1", "filled"));
        Assert.Equal(RegionMetricsRegistry.MaxClosedSeries, collector.Observed(FaultRegionMetrics.Pages, $"Metrics.Closed.{RegionMetricsRegistry.MaxClosedSeries}", "filled"));

        // A name opened again is no longer closed (255 are): it survives the next evictions and adds to its total.
        var reopened = new FakeRegion("Metrics.Closed.1", 100);
        RegionMetricsRegistry.Add(reopened);
        foreach (string name in new[] { "Metrics.Closed.Next", "Metrics.Closed.Last" })
        {
            var next = new FakeRegion(name, 7);
            RegionMetricsRegistry.Add(next);
            RegionMetricsRegistry.Remove(next);
        }

        collector.Collect();
        Assert.Equal(101, collector.Observed(FaultRegionMetrics.Pages, "Metrics.Closed.1", "filled"));
        Assert.False(collector.Reports("Metrics.Closed.2"));
        Assert.Equal(3, collector.Observed(FaultRegionMetrics.Pages, "Metrics.Closed.3", "filled"));
        Assert.Equal(7, collector.Observed(FaultRegionMetrics.Pages, "Metrics.Closed.Last", "filled"));
        RegionMetricsRegistry.Remove(reopened);
    }

    /// <summary>
    /// Opens a Missing | WriteProtect region, reads every page, protects all and writes some; returns the settled
    /// statistics after the collector collected them (the region stops reporting when it is disposed, on return).
    /// </summary>
    private static (FaultRegionStatistics Stats, TimeSpan Elapsed) Exercise(string name, int pages, long[] written, MetricsCollector collector)
    {
        DateTime start = DateTime.UtcNow;
        using var region = TestRegion.Open(new RegionRecorder(pages), TestRegion.Settings(name, pages, FaultMode.Missing | FaultMode.WriteProtect));
        Faulter.Run(() => Enumerable.Range(0, pages).Count(i => RegionRecorder.HasPattern(i, region.ReadPage(i)))).Join();
        region.Protect(0, pages);
        Faulter.Run(() =>
        {
            foreach (long page in written)
            {
                region.Write(page * region.PageSize, new byte[] { 1 });
            }

            return 0;
        }).Join();
        FaultRegionStatistics stats = region.SettledStatistics();
        collector.Collect();
        return (stats, DateTime.UtcNow - start);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference OpenTouchAndDispose(string name)
    {
        var region = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings(name, 4));
        Faulter.Run(() => region.ReadPage(1).Length).Join();
        region.Dispose();
        return new WeakReference(region);
    }

    private static void AssertInstrument<T>(IReadOnlyDictionary<string, Instrument> instruments, string name, string unit)
        where T : Instrument
    {
        Assert.True(instruments.TryGetValue(name, out Instrument? instrument), $"{name} was not published");
        Assert.IsType<T>(instrument);
        Assert.Equal(unit, instrument.Unit);
        Assert.False(string.IsNullOrWhiteSpace(instrument.Description), $"{name} has no description");
        Assert.Equal(FaultRegionMetrics.MeterName, instrument.Meter.Name);
    }

    private static PageFill Filled(in PageFaultContext c, Span<byte> page)
    {
        RegionRecorder.Pattern(c.PageIndex, page);
        return PageFill.Filled;
    }

    /// <summary>A region as the registry sees it, with a fixed number of filled pages.</summary>
    private sealed class FakeRegion(string name, long pagesFilled) : IRegionMetricsSource
    {
        public string Name => name;

        public FaultRegionStatistics Statistics => new(pagesFilled, pagesFilled, 0, 0, 0, 0, 0, 0, 0) { MissingMessages = pagesFilled };
    }
}
