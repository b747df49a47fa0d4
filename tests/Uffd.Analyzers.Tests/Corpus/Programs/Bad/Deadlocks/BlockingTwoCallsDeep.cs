// corpus: expect UFFD0031
// corpus: known-miss the rule follows one call from the callback; this wait is two calls away (Fill -> Load -> Fetch)
using System;
using System.Net.Http;
using Uffd;

namespace Corpus.BlockingTwoCallsDeep;

[FaultRegion(Pages = 1024)]
public sealed partial class LayeredPages(HttpClient client)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes = Load(pageIndex);
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }

    private byte[] Load(long pageIndex) => pageIndex < 0 ? Array.Empty<byte>() : Fetch($"pages/{pageIndex}");

    private byte[] Fetch(string path) => client.GetByteArrayAsync(path).Result;
}
