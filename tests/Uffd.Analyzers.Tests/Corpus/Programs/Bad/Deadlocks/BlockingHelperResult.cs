// corpus: expect UFFD0031
using System;
using System.Net.Http;
using Uffd;

namespace Corpus.BlockingHelperResult;

/// <summary>The provider looks innocent; the helper it calls waits for the network.</summary>
[FaultRegion(Pages = 1024)]
public sealed partial class MirrorPages(HttpClient client, string baseUrl)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes = Download(pageIndex);
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
        page[Math.Min(bytes.Length, page.Length)..].Clear();
    }

    private byte[] Download(long pageIndex)
    {
        string url = $"{baseUrl.TrimEnd('/')}/pages/{pageIndex}";
        return client.GetByteArrayAsync(url).Result;
    }
}
