using System;
using System.Threading;
using Uffd;

namespace CompressedPages;

/// <summary>
/// Pages come from the compressed files on first touch (Missing); after <c>Protect</c> a write to a page calls
/// <see cref="Written"/> first (WriteProtect). Both callbacks run on the engine's handler threads, so they only touch
/// their own bookkeeping and the files, never the region. A provider exception maps a zero page and is recorded
/// (ZeroFill): the verification then reports the page instead of the process dying in the handler.
/// </summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, OnProviderError = ProviderErrorPolicy.ZeroFill)]
internal sealed partial class CompressedRegion
{
    private readonly PageStore _store;
    private readonly int[] _fills;
    private readonly int[] _writes;

    public CompressedRegion(PageStore store, long pages)
    {
        _store = store;
        _fills = new int[pages];
        _writes = new int[pages];
    }

    /// <summary>How often the provider ran for each page (exactly once is the engine's promise).</summary>
    public int FillsOf(long page) => Volatile.Read(ref _fills[page]);

    /// <summary>True when a write to the page was caught while it was protected (the seed's has_been_written_when_wp_p).</summary>
    public bool WasWritten(long page) => Volatile.Read(ref _writes[page]) != 0;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Interlocked.Increment(ref _fills[pageIndex]);
        _store.Read(pageIndex, page);
    }

    // A write may fault twice for one page (a signal restarts it): a flag, not a counter, keeps the set exact.
    [WriteHandler]
    private void Written(long pageIndex) => Volatile.Write(ref _writes[pageIndex], 1);
}
