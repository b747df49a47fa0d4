// corpus: expect UFFD0032
using System;
using Uffd;

namespace Corpus.RawCachedCursor;

[FaultRegion(Pages = 64)]
public sealed partial class Samples
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)((pageIndex * 31 + i) & 0xFF);
        }
    }
}

/// <summary>A reader that keeps a raw pointer into the region between calls.</summary>
public sealed unsafe class SampleReader
{
    private readonly byte* _start;
    private readonly long _length;
    private long _position;

    public SampleReader(Samples samples)
    {
        _start = (byte*)samples.BaseAddress;
        _length = samples.Length;
    }

    public bool TryNext(out byte sample)
    {
        if (_position >= _length)
        {
            sample = 0;
            return false;
        }

        sample = _start[_position++];
        return true;
    }
}
