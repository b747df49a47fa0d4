// corpus: expect UFFD0031
using System;
using System.Net.Http;
using Uffd;

namespace Corpus.BlockingLazyFactory;

/// <summary>
/// The page table of a remote volume is fetched lazily on the first fault: the Lazy's factory waits for the network on
/// whichever thread reads Value first, which is a handler thread.
/// </summary>
[FaultRegion(Pages = 4096)]
public sealed partial class RemoteVolume(HttpClient client)
{
    private readonly Lazy<long[]> _pageTable = new(() =>
    {
        byte[] raw = client.GetByteArrayAsync("volume/pagetable").Result;
        long[] table = new long[raw.Length / sizeof(long)];
        Buffer.BlockCopy(raw, 0, table, 0, table.Length * sizeof(long));
        return table;
    });

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long[] table = _pageTable.Value;
        if (pageIndex >= table.Length || table[pageIndex] < 0)
        {
            page.Clear();
            return;
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"volume/blocks/{table[pageIndex]}");
        using HttpResponseMessage response = client.Send(request);
        using var body = response.Content.ReadAsStream();
        int read = body.ReadAtLeast(page, page.Length, throwOnEndOfStream: false);
        page[read..].Clear();
    }
}
