using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Regions;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// Several faulting threads on disjoint random pages of one region; the report turns run time into aggregate faults
/// per second. The C reference's single handler is its seed-style blocking one, its two are pinned per CPU; the
/// generated regions' handlers are always pinned.
/// </summary>
public class FaultingThreads : ScenarioBenchmark
{
    public const string C = "C";
    public const string UffdGen = "UffdGen";

    [Params(2, 4)]
    public int Faulters { get; set; } = 2;

    [Params(1, 2)]
    public int Handlers { get; set; } = 2;

    [Params(C, UffdGen)]
    public string Handler { get; set; } = UffdGen;

    public override long Pages => PagesFor(Faulters, Handlers);

    /// <summary>Each faulting thread takes the same share; a remainder is never touched.</summary>
    public static long PagesFor(int faulters, int handlers) => Sizes.ThreadPages(handlers) / faulters * faulters;

    internal override IFaultScenario CreateScenario() => Handler == C
        ? new NativeScenario($"threads-{Faulters}-{Handlers}", Sizes.ThreadPages(Handlers))
        : new ThreadedReadScenario(
            $"UffdGen {Faulters} faulters x {Handlers} handlers",
            Handlers == 1 ? () => new OneHandlerRegion() : () => new TwoHandlersRegion(),
            Sizes.ThreadPages(Handlers),
            Faulters);
}
