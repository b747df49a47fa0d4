using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// A round trip of one fault kind, the generated region's default against the C reference's two strategies: its
/// blocking handler (scenario <see cref="CScenario"/>) and its handlers pinned per CPU (the same name + "-percpu").
/// </summary>
public abstract class FaultKindRoundTrip : ScenarioBenchmark
{
    public const string CBlocking = "C blocking";
    public const string CPinnedPerCpu = "C pinned per CPU";
    public const string Default = "UffdGen default";

    [Params(CBlocking, CPinnedPerCpu, Default)]
    public string Handler { get; set; } = Default;

    public override long Pages => Sizes.RoundTripPages;

    private protected abstract string CScenario { get; }

    private protected abstract IFaultScenario CreateGenerated();

    internal override IFaultScenario CreateScenario() => Handler switch
    {
        CBlocking => new NativeScenario(CScenario, Pages),
        CPinnedPerCpu => new NativeScenario(CScenario + "-percpu", Pages),
        Default => CreateGenerated(),
        _ => throw new ArgumentOutOfRangeException(nameof(Handler), Handler, null),
    };
}

/// <summary>Write-protect round trip: a write to a protected page, the write handler, WRITEPROTECT(clear).</summary>
public class WriteProtectRoundTrip : FaultKindRoundTrip
{
    private protected override string CScenario => "wp-rt";

    private protected override IFaultScenario CreateGenerated() => new WriteProtectScenario(Handler, Pages);
}

/// <summary>Minor round trip on a memfd: the page is in the page cache, CONTINUE maps it.</summary>
public class MinorRoundTrip : FaultKindRoundTrip
{
    private protected override string CScenario => "minor-rt";

    private protected override IFaultScenario CreateGenerated() => new MinorScenario(Handler, Pages);
}
