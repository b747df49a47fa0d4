using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;

namespace Uffd.Benchmarks.Generator;

/// <summary>
/// The generator on a <see cref="RegionCorpus"/>: a first run (what a clean build pays) and a rerun after an edit that
/// touches no region (what every keystroke elsewhere in the project pays in the IDE).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private RegionCorpus corpus = null!;
    private Compilation[] edited = null!;
    private GeneratorDriver warmDriver = null!;
    private int nextEdit;

    [Params(500)]
    public int Regions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        corpus = new RegionCorpus(Regions);
        edited = new Compilation[]
        {
            corpus.WithUnrelatedMethodBodyChanged(variant: 1),
            corpus.WithUnrelatedMethodBodyChanged(variant: 2),
        };
        warmDriver = RegionCorpus.CreateDriver(trackSteps: false).RunGenerators(corpus.Compilation);
    }

    /// <summary>
    /// A new driver over the corpus. Clone keeps the parsed trees and loaded references but no bound symbols, so each
    /// invocation pays the semantic work the generator asks of Roslyn, as a build does; the clone itself is negligible.
    /// </summary>
    [Benchmark]
    public GeneratorDriver FirstRun() =>
        RegionCorpus.CreateDriver(trackSteps: false).RunGenerators(corpus.Compilation.Clone());

    /// <summary>
    /// The driver that already ran, over a compilation whose one unrelated method body differs from the one it saw
    /// last: the two edited texts alternate, so no invocation is a rerun without change. Each gets a fresh clone,
    /// since an edit in the IDE gives the generator a compilation with nothing bound yet.
    /// </summary>
    [Benchmark]
    public GeneratorDriver RerunAfterUnrelatedEdit()
    {
        nextEdit ^= 1;
        warmDriver = warmDriver.RunGenerators(edited[nextEdit].Clone());
        return warmDriver;
    }
}
