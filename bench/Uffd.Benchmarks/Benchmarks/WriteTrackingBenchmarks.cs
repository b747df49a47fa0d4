using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// What tracking writes costs per page written: one byte written to each protected page, in random order, then (for
/// asynchronous tracking) the written pages collected and protected again. <see cref="Tracking"/> picks the method,
/// <see cref="Handler"/> the side; each C scenario does what the generated region does, with the same strategy.
/// </summary>
public class WriteTrackingCost : ScenarioBenchmark
{
    /// <summary>Each write faults; a handler thread calls the write handler and unprotects (C: <c>wp-rt-percpu</c>).</summary>
    public const string SynchronousFault = "synchronous, Write";

    /// <summary>
    /// The writer unprotects first: <c>LeaseSpan</c> calls the write handler and unprotects on the caller, then a plain
    /// store (C: <c>wp-writer-unprotects</c>, UFFDIO_WRITEPROTECT then a store).
    /// </summary>
    public const string SynchronousLease = "synchronous, LeaseSpan";

    /// <summary>
    /// WP_ASYNC: plain stores through <c>AsSpan</c> (the kernel unprotects), then one <c>CollectWrittenPages</c>
    /// (C: <c>wp-async</c>, stores then one PAGEMAP_SCAN).
    /// </summary>
    public const string Asynchronous = "asynchronous, AsSpan + collect";

    /// <summary>The collect-and-re-protect alone, every page written beforehand (C: <c>wp-async-collect</c>).</summary>
    public const string Collect = "collect, every page written";

    /// <summary>
    /// The collect alone with no page written: a call's own cost, <see cref="Sizes.CleanCollectCalls"/> calls per run
    /// (C: <c>wp-async-collect-clean</c>).
    /// </summary>
    public const string CollectClean = "collect, nothing written";

    public const string C = "C";
    public const string UffdGen = "UffdGen";

    [Params(SynchronousFault, SynchronousLease, Asynchronous, Collect, CollectClean)]
    public string Tracking { get; set; } = Asynchronous;

    [Params(C, UffdGen)]
    public string Handler { get; set; } = UffdGen;

    /// <summary>Pages written per run; for the clean collect, pages walked (the region times the calls).</summary>
    public override long Pages => PagesFor(Tracking);

    /// <summary>Collect calls per run.</summary>
    public static int CallsFor(string tracking) => tracking == CollectClean ? Sizes.CleanCollectCalls : 1;

    public static long PagesFor(string tracking) => Sizes.RoundTripPages * CallsFor(tracking);

    internal override IFaultScenario CreateScenario()
    {
        if (Handler == C)
        {
            return new NativeScenario(Tracking switch
            {
                SynchronousFault => "wp-rt-percpu",
                SynchronousLease => "wp-writer-unprotects",
                Asynchronous => "wp-async",
                Collect => "wp-async-collect",
                CollectClean => "wp-async-collect-clean",
                _ => throw new ArgumentOutOfRangeException(nameof(Tracking), Tracking, null),
            }, Sizes.RoundTripPages, operations: Pages);
        }

        string name = $"UffdGen {Tracking}";
        return Tracking switch
        {
            SynchronousFault => new WriteProtectScenario(name, Sizes.RoundTripPages, ProtectedWrite.RegionWrite),
            SynchronousLease => new WriteProtectScenario(name, Sizes.RoundTripPages, ProtectedWrite.Lease),
            Asynchronous => new AsynchronousTrackingScenario(name, Sizes.RoundTripPages, TrackingPhase.WritesAndCollect),
            Collect => new AsynchronousTrackingScenario(name, Sizes.RoundTripPages, TrackingPhase.Collect),
            CollectClean => new AsynchronousTrackingScenario(name, Sizes.RoundTripPages, TrackingPhase.CollectNothingWritten),
            _ => throw new ArgumentOutOfRangeException(nameof(Tracking), Tracking, null),
        };
    }
}
