using System;
using Uffd;

namespace Corpus.MinorCacheAlias;

/// <summary>
/// A Minor region over shared memory: the provider checks and patches the page-cache page in place, and reads its
/// neighbours through the alias view, which is never registered and so never waits for a handler.
/// </summary>
[FaultRegion(Pages = 128, Mode = FaultMode.Minor, Memory = RegionMemory.Shared)]
public sealed partial class PatchedCache
{
    private readonly byte _marker;

    public PatchedCache(byte marker) => _marker = marker;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte previousTail = pageIndex == 0 ? (byte)0 : AliasSpan(pageIndex * page.Length - 1, 1)[0];
        page[0] = (byte)(previousTail ^ _marker);
    }

    /// <summary>Seeds the page cache through the alias before the pages are first touched.</summary>
    public void Seed(ReadOnlySpan<byte> contents) => contents.CopyTo(AliasSpan(0, contents.Length));
}
