using System;
using Uffd;

namespace Corpus.SplitAcrossPartialParts;

// The attribute on one part, the provider and the public surface in others, as a class grows.
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 64)]
public sealed partial class Terrain
{
    private readonly int _seed;

    public Terrain(int seed) => _seed = seed;
}

public sealed partial class Terrain
{
    [PageProvider]
    private void Generate(long pageIndex, Span<byte> page)
    {
        var random = new Random(_seed ^ (int)pageIndex);
        random.NextBytes(page);
    }
}

public sealed partial class Terrain
{
    public long Edits { get; private set; }

    [WriteHandler]
    private void OnEdit(long pageIndex) => Edits++;
}
