using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.DirtyRangeTracker;

/// <summary>Records which pages were written, through the write handler, and protects ranges given in bytes.</summary>
[FaultRegion(Pages = 512, Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Document
{
    private readonly HashSet<long> _dirty = new();
    private readonly object _gate = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void OnWrite(in PageFaultContext context)
    {
        long page = context.Offset / context.PageSize;
        lock (_gate)
        {
            _dirty.Add(page);
        }
    }

    /// <summary>Protects every page that holds a byte of [offset, offset + length).</summary>
    public void ProtectBytes(long offset, long length)
    {
        long first = offset / PageSize;
        long last = (offset + length - 1) / PageSize;
        Protect(first, last - first + 1);
    }

    public static nint AlignDown(nint address, int pageSize) => address & ~((nint)pageSize - 1);

    public nint PageStartOf(long offset) => AlignDown(BaseAddress + (nint)offset, PageSize);

    public int OffsetInPage(long offset) => (int)(offset & (PageSize - 1));
}
