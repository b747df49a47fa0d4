using System;
using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// Sequential scan of 256 MiB, each fault filling 1 + ReadAhead pages with one copy; default handlers. UffdGen runs
/// twice: with a provider that declares <c>WritesWholePage</c> (no zeroing, the C handler's work) and with the default
/// zeroed staging buffer (what the safety costs).
/// </summary>
public class SequentialScan : ScenarioBenchmark
{
    public const string C = "C";
    public const string UffdGen = "UffdGen";
    public const string UffdGenZeroed = "UffdGen, zeroed staging";

    [Params(0, 16, 64, 256)]
    public int ReadAhead { get; set; }

    [Params(C, UffdGen, UffdGenZeroed)]
    public string Handler { get; set; } = UffdGen;

    public override long Pages => Sizes.ScanPages;

    internal override IFaultScenario CreateScenario() => Handler switch
    {
        C => new NativeScenario($"seq-readahead-{ReadAhead}", Pages),
        UffdGen => new RegionReadScenario($"{Handler} read-ahead {ReadAhead}", WholePage(ReadAhead), Pages, sequential: true),
        UffdGenZeroed => new RegionReadScenario($"{Handler} read-ahead {ReadAhead}", Zeroed(ReadAhead), Pages, sequential: true),
        _ => throw new ArgumentOutOfRangeException(nameof(Handler), Handler, null),
    };

    private static Func<IBenchmarkRegion> WholePage(int readAhead) => readAhead switch
    {
        0 => () => new WholePageRegion(),
        16 => () => new WholePageReadAhead16Region(),
        64 => () => new WholePageReadAhead64Region(),
        256 => () => new WholePageReadAhead256Region(),
        _ => throw new ArgumentOutOfRangeException(nameof(readAhead), readAhead, "No region class has this read-ahead."),
    };

    private static Func<IBenchmarkRegion> Zeroed(int readAhead) => readAhead switch
    {
        0 => () => new PinnedPerCpuRegion(),
        16 => () => new ReadAhead16Region(),
        64 => () => new ReadAhead64Region(),
        256 => () => new ReadAhead256Region(),
        _ => throw new ArgumentOutOfRangeException(nameof(readAhead), readAhead, "No region class has this read-ahead."),
    };
}

/// <summary>The floor: the same number of write faults on plain anonymous memory, no userfaultfd.</summary>
public class AnonymousWrite : ScenarioBenchmark
{
    public const string C = "C";
    public const string DotNet = ".NET";

    [Params(C, DotNet)]
    public string Handler { get; set; } = DotNet;

    public override long Pages => Sizes.ScanPages;

    internal override IFaultScenario CreateScenario() =>
        Handler == C ? new NativeScenario("anon-write", Pages) : new AnonymousWriteScenario(Pages);
}
