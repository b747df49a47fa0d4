using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>Random single-page MISSING round trip, one faulting thread.</summary>
public class RoundTrip : ScenarioBenchmark
{
    public const string CBlocking = "C blocking (seed)";
    public const string COnePinned = "C 1 pinned";
    public const string CPinnedPerCpu = "C pinned per CPU";
    public const string OneHandler = "UffdGen 1 handler";
    public const string Default = "UffdGen default";

    [Params(CBlocking, COnePinned, CPinnedPerCpu, OneHandler, Default)]
    public string Handler { get; set; } = Default;

    public override long Pages => Sizes.RoundTripPages;

    internal override IFaultScenario CreateScenario() => Handler switch
    {
        CBlocking => new NativeScenario("rt-blocking", Pages),
        COnePinned => new NativeScenario("rt-pinned-1", Pages),
        CPinnedPerCpu => new NativeScenario("rt-pinned-percpu", Pages),
        OneHandler => new RegionReadScenario(Handler, () => new OneHandlerRegion(), Pages, sequential: false),
        Default => new RegionReadScenario(Handler, () => new PinnedPerCpuRegion(), Pages, sequential: false),
        _ => throw new ArgumentOutOfRangeException(nameof(Handler), Handler, null),
    };
}
