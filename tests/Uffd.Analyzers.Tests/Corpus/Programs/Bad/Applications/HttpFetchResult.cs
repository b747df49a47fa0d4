// corpus: expect UFFD0031
using System;
using System.Net.Http;
using Uffd;

namespace Corpus.HttpFetchResult;

/// <summary>Pages fetched over HTTP, synchronously over an async API.</summary>
[FaultRegion(Pages = 1024)]
public sealed partial class RemotePages
{
    private static readonly HttpClient s_client = new();
    private readonly Uri _baseUri;

    public RemotePages(Uri baseUri) => _baseUri = baseUri;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes = s_client.GetByteArrayAsync(new Uri(_baseUri, $"pages/{pageIndex}")).Result;
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}
