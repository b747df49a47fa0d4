// corpus: expect UFFD0042
using System;
using Uffd;

namespace Corpus.WrongMaskPageSizeField;

public sealed class Aligner
{
    private readonly int _granule = Environment.SystemPageSize;

    public nint PageStart(PageFaultEvent fault) => fault.Address & ~(nint)_granule;
}
