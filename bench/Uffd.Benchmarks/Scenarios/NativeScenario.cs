using System;
using Uffd.Benchmarks.Native;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// A scenario of the C reference handler, run in this process through libuffdref.so. With
/// <paramref name="operations"/>, the count its execute reports is checked against it (the touch scenarios count
/// touches, not pages).
/// </summary>
internal sealed class NativeScenario(string name, long pages, long operations = 0) : IFaultScenario
{
    private nint run;

    public void Prepare() => run = NativeReference.PrepareRun(name, pages);

    public long Execute()
    {
        long done = NativeReference.ExecuteRun(run, name);
        return operations == 0 || done == operations
            ? done
            : throw new InvalidOperationException($"C reference, execute {name}: {done} operations, expected {operations}.");
    }

    public void Finish()
    {
        nint finishing = run;
        run = 0;
        NativeReference.FinishRun(finishing, name);
    }
}
