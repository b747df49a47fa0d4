using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.ProtectInBatches;

/// <summary>Protects a large region in batches of 4096 pages, so each call stays short.</summary>
[FaultRegion(Pages = 65536, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Store
{
    private const long PagesPerBatch = 4096;
    private readonly HashSet<long> _written = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(in PageFaultContext context)
    {
        lock (_written)
        {
            _written.Add(context.PageIndex);
        }
    }

    public void ProtectAll()
    {
        for (long first = 0; first < PageCount; first += PagesPerBatch)
        {
            Protect(first, Math.Min(PagesPerBatch, PageCount - first));
        }
    }

    public void ProtectFirstBatch() => Protect(0, 4096);

    public void UnprotectPageOf(long offset) => Unprotect(offset / PageSize, 1);

    public long PagesOf(long bytes) => (bytes + PageSize - 1) / PageSize;
}
