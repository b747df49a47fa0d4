// corpus: expect UFFD0031
using System;
using System.Linq;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingLinqResults;

public interface IShardStore
{
    Task<byte[]> ReadShardAsync(int shard, long pageIndex);
}

/// <summary>Each page is striped over four shards, read concurrently and joined.</summary>
[FaultRegion(Pages = 512)]
public sealed partial class StripedPages(IShardStore store)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Task<byte[]>[] reads = Enumerable.Range(0, 4).Select(shard => store.ReadShardAsync(shard, pageIndex)).ToArray();
        byte[][] stripes = reads.Select(read => read.Result).ToArray();
        int stripe = page.Length / stripes.Length;
        for (int i = 0; i < stripes.Length; i++)
        {
            stripes[i].AsSpan(0, Math.Min(stripes[i].Length, stripe)).CopyTo(page.Slice(i * stripe, stripe));
        }
    }
}
