using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.WriteJournalWithContext;

/// <summary>Records which pages a program writes, with the thread that wrote each one first.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 128, ProtectOnFill = true)]
public sealed partial class WriteJournal
{
    private readonly ConcurrentDictionary<long, int> _firstWriter = new();

    public int FirstWriterOf(long pageIndex) => _firstWriter.TryGetValue(pageIndex, out int thread) ? thread : -1;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(PageFaultContext context) => _firstWriter.TryAdd(context.PageIndex, context.ThreadId);

    public void Record(long offset, ReadOnlySpan<byte> bytes)
    {
        using SpanLease lease = LeaseSpan(offset, bytes.Length);
        bytes.CopyTo(lease.Span);
    }
}
