using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>Write-protect round trip: a write to a protected page, the write handler, WRITEPROTECT(clear).</summary>
public class WriteProtectRoundTrip : ScenarioBenchmark
{
    public const string CBlocking = "C blocking";
    public const string CPinnedPerCpu = "C pinned per CPU";
    public const string Default = "UffdGen default";

    [Params(CBlocking, CPinnedPerCpu, Default)]
    public string Handler { get; set; } = Default;

    public override long Pages => Sizes.RoundTripPages;

    internal override IFaultScenario CreateScenario() => Handler switch
    {
        CBlocking => new NativeScenario("wp-rt", Pages),
        CPinnedPerCpu => new NativeScenario("wp-rt-percpu", Pages),
        Default => new WriteProtectScenario(Handler, Pages),
        _ => throw new ArgumentOutOfRangeException(nameof(Handler), Handler, null),
    };
}

/// <summary>Minor round trip on a memfd: the page is in the page cache, CONTINUE maps it.</summary>
public class MinorRoundTrip : ScenarioBenchmark
{
    public const string CBlocking = "C blocking";
    public const string CPinnedPerCpu = "C pinned per CPU";
    public const string Default = "UffdGen default";

    [Params(CBlocking, CPinnedPerCpu, Default)]
    public string Handler { get; set; } = Default;

    public override long Pages => Sizes.RoundTripPages;

    internal override IFaultScenario CreateScenario() => Handler switch
    {
        CBlocking => new NativeScenario("minor-rt", Pages),
        CPinnedPerCpu => new NativeScenario("minor-rt-percpu", Pages),
        Default => new MinorScenario(Handler, Pages),
        _ => throw new ArgumentOutOfRangeException(nameof(Handler), Handler, null),
    };
}
