// corpus: expect UFFD0031
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingHedgedWaitAny;

public interface IReplica
{
    Task<byte[]> ReadAsync(long pageIndex);
}

/// <summary>Hedged reads: ask both replicas and take whichever answers first.</summary>
[FaultRegion(Pages = 4096)]
public sealed partial class HedgedPages(IReplica primary, IReplica secondary)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Task<byte[]>[] reads = { primary.ReadAsync(pageIndex), secondary.ReadAsync(pageIndex) };
        int first = Task.WaitAny(reads);
        byte[] bytes = reads[first].Result;
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}
