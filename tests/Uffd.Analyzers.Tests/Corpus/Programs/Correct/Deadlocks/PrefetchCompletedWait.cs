using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.PrefetchCompletedWait;

/// <summary>
/// Pages are downloaded ahead of the faults; the provider copies a download only once it has finished and serves a
/// zero page (counted as a miss) otherwise, so the handler thread never waits for the network.
/// </summary>
[FaultRegion(Pages = 1024, OnProviderError = ProviderErrorPolicy.ZeroFill)]
public sealed partial class RemoteImage
{
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<long, Task<byte[]>> _downloads = new();
    private long _misses;

    public RemoteImage(HttpClient client) => _client = client;

    public long Misses => Interlocked.Read(ref _misses);

    public void Prefetch(long firstPage, int count)
    {
        for (long index = firstPage; index < firstPage + count; index++)
        {
            long page = index;
            _downloads.GetOrAdd(page, _ => _client.GetByteArrayAsync($"https://images.example/disk/{page}"));
        }
    }

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_downloads.TryGetValue(pageIndex, out Task<byte[]>? download) && download.IsCompletedSuccessfully)
        {
            byte[] bytes = download.Result;
            bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
            return;
        }

        Interlocked.Increment(ref _misses);
        page.Clear();
    }
}
