using Uffd.Benchmarks.Native;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>A scenario of the C reference handler, run in this process through libuffdref.so.</summary>
internal sealed class NativeScenario(string name, long pages) : IFaultScenario
{
    private nint run;

    public void Prepare() => run = NativeReference.PrepareRun(name, pages);

    public long Execute() => NativeReference.ExecuteRun(run, name);

    public void Finish()
    {
        nint finishing = run;
        run = 0;
        NativeReference.FinishRun(finishing, name);
    }
}
