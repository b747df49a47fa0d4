// corpus: expect UFFD0031
using System;
using System.Net.Http;
using Uffd;

namespace Corpus.BlockingHttpResult;

/// <summary>A disk image served page by page from an HTTP range server.</summary>
[FaultRegion(Pages = 4096)]
public sealed partial class HttpDisk(HttpClient client, Uri image)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, image);
        long start = pageIndex * page.Length;
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(start, start + page.Length - 1);
        HttpResponseMessage response = client.SendAsync(request).Result;
        byte[] bytes = response.Content.ReadAsByteArrayAsync().Result;
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}
