// corpus: expect UFFD0030
using System;
using System.IO;
using Uffd;

namespace Corpus.SelfTouchDeltaDecode;

/// <summary>A delta-encoded series: each page stores differences from the last value of the page before it.</summary>
[FaultRegion(Pages = 1024)]
public sealed partial class DeltaSeries
{
    private readonly byte[] _deltas;

    public DeltaSeries(string path) => _deltas = File.ReadAllBytes(path);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        // The previous page may not be filled yet: reading it faults on this very region.
        byte running = pageIndex == 0 ? (byte)0 : AsReadOnlySpan(pageIndex * PageSize - 1, 1)[0];
        long start = pageIndex * page.Length;
        for (int i = 0; i < page.Length && start + i < _deltas.Length; i++)
        {
            running += _deltas[start + i];
            page[i] = running;
        }
    }
}
