using System;
using Uffd;

namespace Corpus.RegionInRecordSettings;

/// <summary>Immutable settings that own a scratch region type for their tile size.</summary>
public sealed partial record TileSettings(int TileCount)
{
    public Scratch CreateScratch()
    {
        var scratch = new Scratch();
        scratch.Open(TileCount);
        return scratch;
    }

    [FaultRegion(ReadAhead = 4)]
    public sealed partial class Scratch
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(0xcc);
    }
}
