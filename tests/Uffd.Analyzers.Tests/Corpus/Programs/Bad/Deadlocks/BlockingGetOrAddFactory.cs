// corpus: expect UFFD0031
using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingGetOrAddFactory;

public interface IChunkService
{
    Task<byte[]> FetchChunkAsync(long chunk);
}

/// <summary>Pages are slices of larger chunks, each fetched once and cached; the cache's value factory waits.</summary>
[FaultRegion(Pages = 8192)]
public sealed partial class ChunkedPages(IChunkService service)
{
    private const int PagesPerChunk = 16;
    private readonly ConcurrentDictionary<long, byte[]> _chunks = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] chunk = _chunks.GetOrAdd(pageIndex / PagesPerChunk, index => service.FetchChunkAsync(index).GetAwaiter().GetResult());
        int offset = (int)(pageIndex % PagesPerChunk) * page.Length;
        int count = Math.Clamp(chunk.Length - offset, 0, page.Length);
        chunk.AsSpan(Math.Min(offset, chunk.Length), count).CopyTo(page);
        page[count..].Clear();
    }
}
