using System;
using System.Threading;
using Uffd;

namespace CompressedPages;

/// <summary>
/// Pages come from the compressed files on first touch (Missing); the kernel records every write to a page
/// (WriteProtect with asynchronous tracking), and <c>CollectWrittenPages</c> tells exactly which pages were written.
/// The provider runs on the engine's handler threads, so it only touches its own bookkeeping and the files, never
/// the region. A provider exception maps a zero page and is recorded (ZeroFill): the verification then reports the
/// page instead of the process dying in the handler. Every access goes through the region's accessors, which make
/// pages present from native code first, even for spans handed to system calls: so the region accepts a user-mode-only
/// uffd (UserModeOnly = Allow), all a user without CAP_SYS_PTRACE gets by default, and the sample says which it got.
/// </summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous,
             OnProviderError = ProviderErrorPolicy.ZeroFill, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class CompressedRegion
{
    private readonly PageStore store;
    private readonly int[] fills;

    public CompressedRegion(PageStore store, long pages)
    {
        this.store = store;
        fills = new int[pages];
    }

    /// <summary>How often the provider ran for each page (exactly once is the engine's promise).</summary>
    public int FillsOf(long page) => Volatile.Read(ref fills[page]);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Interlocked.Increment(ref fills[pageIndex]);
        store.Read(pageIndex, page);
    }
}
