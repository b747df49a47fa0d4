// corpus: expect UFFD0031
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingConfigureAwaitResult;

public interface IBlobStore
{
    Task<byte[]?> GetAsync(string key);
}

/// <summary>Pages stored as blobs; the author used ConfigureAwait(false) believing it makes the blocking call safe.</summary>
[FaultRegion(Pages = 1024, OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class BlobPages(IBlobStore store, string prefix)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[]? blob = store.GetAsync($"{prefix}/{pageIndex:x8}").ConfigureAwait(false).GetAwaiter().GetResult();
        if (blob is null)
        {
            page.Clear();
            return;
        }

        blob.AsSpan(0, Math.Min(blob.Length, page.Length)).CopyTo(page);
    }
}
