using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ValueTaskFastPathWait;

/// <summary>An asynchronous page cache whose lookups usually complete synchronously.</summary>
public interface IPageCache
{
    ValueTask<byte[]?> LookupAsync(long pageIndex);
}

/// <summary>
/// Serves pages from the cache when the lookup has already completed (the common case), and a zero page while the
/// cache is still loading: the provider reads a ValueTask's Result only on its synchronous fast path.
/// </summary>
[FaultRegion(Pages = 256)]
public sealed partial class CachedPages(IPageCache cache)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        ValueTask<byte[]?> lookup = cache.LookupAsync(pageIndex);
        if (!lookup.IsCompletedSuccessfully)
        {
            _ = lookup.AsTask(); // let the load finish in the background; this fault gets zeros
            page.Clear();
            return;
        }

        byte[]? cached = lookup.Result;
        if (cached is null)
        {
            page.Clear();
        }
        else
        {
            cached.AsSpan(0, Math.Min(cached.Length, page.Length)).CopyTo(page);
        }
    }
}
