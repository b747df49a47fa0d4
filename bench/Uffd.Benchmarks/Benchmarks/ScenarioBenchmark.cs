using BenchmarkDotNet.Attributes;
using Uffd.Benchmarks.Infrastructure;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Benchmarks;

/// <summary>
/// One scenario run per iteration: a fresh set-up before it and the checks after it, both outside the measurement.
/// One invocation per iteration (the Monitoring strategy of <see cref="BenchmarkSetup"/>), so the Median column is
/// the median time of a whole run; the report divides it by <see cref="Pages"/>.
/// </summary>
public abstract class ScenarioBenchmark
{
    private IFaultScenario? scenario;

    /// <summary>The pages one run faults, from the parameters alone (the report computes it the same way).</summary>
    public abstract long Pages { get; }

    internal abstract IFaultScenario CreateScenario();

    [IterationSetup]
    public void PrepareRun()
    {
        Watchdog.Arm();
        scenario = CreateScenario();
        scenario.Prepare();
    }

    [Benchmark]
    public long Run() => scenario!.Execute();

    [IterationCleanup]
    public void FinishRun()
    {
        IFaultScenario finishing = scenario!;
        scenario = null;
        finishing.Finish();
        Watchdog.Disarm();
    }
}
