// corpus: expect UFFD0031
// corpus: known-miss calls through an interface are not followed: which implementation runs is not known at the call
using System;
using System.Net.Http;
using Uffd;

namespace Corpus.BlockingInterfaceStore;

public interface IPageStore
{
    byte[] Read(long pageIndex);
}

/// <summary>A synchronous facade over an HTTP API.</summary>
public sealed class HttpPageStore(HttpClient client) : IPageStore
{
    public byte[] Read(long pageIndex) => client.GetByteArrayAsync($"pages/{pageIndex}").GetAwaiter().GetResult();
}

[FaultRegion(Pages = 1024)]
public sealed partial class StoredPages(IPageStore store)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes = store.Read(pageIndex);
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}
