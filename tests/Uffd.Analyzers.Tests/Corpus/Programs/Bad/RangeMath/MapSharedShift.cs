// corpus: expect UFFD0041
using System;
using Uffd;

namespace Corpus.MapSharedShift;

public static class Staging
{
    /// <summary>A 64-page shared mapping whose alias receives content before the minor faults.</summary>
    public static UffdMemory Create() => UffdMemory.MapShared(64 << 12);
}
