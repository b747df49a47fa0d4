using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// The random MISSING round trip of <see cref="RoundTrip"/> with an asynchronous provider, against the synchronous
/// default: run in the paired comparisons (no C counterpart: C has no asynchronous provider).
/// </summary>
public class AsyncProviderRoundTrip : ScenarioBenchmark
{
    public const string Synchronous = "synchronous provider";
    public const string AtOnce = "asynchronous, completed at once";
    public const string AfterYield = "asynchronous, after a yield";

    [Params(Synchronous, AtOnce, AfterYield)]
    public string Handler { get; set; } = AtOnce;

    public override long Pages => Sizes.RoundTripPages;

    internal override IFaultScenario CreateScenario() => Handler switch
    {
        Synchronous => new RegionReadScenario(Handler, () => new PinnedPerCpuRegion(), Pages, sequential: false),
        AtOnce => new RegionReadScenario(Handler, () => new AsyncAtOnceRegion(), Pages, sequential: false),
        AfterYield => new RegionReadScenario(Handler, () => new AsyncPooledYieldRegion(), Pages, sequential: false),
        _ => throw new ArgumentOutOfRangeException(nameof(Handler), Handler, null),
    };
}
