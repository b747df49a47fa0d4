using System.Runtime.InteropServices;

namespace Uffd;

/// <summary>Everything a provider or write handler may want to know about the fault it serves.</summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct PageFaultContext
{
    /// <summary>Creates the context of one page.</summary>
    public PageFaultContext(long pageIndex, int pageSize, nint address, bool isWrite, int threadId, bool isReadAhead)
        : this(pageIndex, pageSize, address, isWrite, threadId, isReadAhead, pageCount: 1)
    {
    }

    /// <summary>Creates the context of a run of <paramref name="pageCount"/> pages from <paramref name="pageIndex"/> on.</summary>
    public PageFaultContext(long pageIndex, int pageSize, nint address, bool isWrite, int threadId, bool isReadAhead, int pageCount)
    {
        PageIndex = pageIndex;
        PageSize = pageSize;
        Address = address;
        IsWrite = isWrite;
        ThreadId = threadId;
        IsReadAhead = isReadAhead;
        PageCount = pageCount;
    }

    /// <summary>Index of the page in the region (the first of the run, for a provider that fills several pages per call).</summary>
    public long PageIndex { get; }

    /// <summary>
    /// How many consecutive pages from <see cref="PageIndex"/> the buffer holds: 1, unless the provider declared
    /// <c>[PageProvider(MaxPagesPerCall = n)]</c>; then up to n (the faulting page and the read-ahead after it).
    /// </summary>
    public int PageCount { get; }

    /// <summary>The region's page size.</summary>
    public int PageSize { get; }

    /// <summary>Byte offset of the page in the region.</summary>
    public long Offset => PageIndex * PageSize;

    /// <summary>The address the faulting thread touched (page-aligned unless exact addresses are enabled).</summary>
    public nint Address { get; }

    /// <summary>True when the access that faulted was a write.</summary>
    public bool IsWrite { get; }

    /// <summary>The faulting thread's id (gettid), or 0 for read-ahead pages nobody touched yet.</summary>
    public int ThreadId { get; }

    /// <summary>True for pages filled ahead of the faulting one (read-ahead); nobody is waiting on them yet.</summary>
    public bool IsReadAhead { get; }
}

/// <summary>What a provider did with the page it was given.</summary>
public enum PageFill
{
    /// <summary>The page holds its content: copy it in.</summary>
    Filled,
    /// <summary>The page is all zeros: map a zero page instead of copying (cheaper; the buffer is ignored).</summary>
    Zero,
    /// <summary>The page has no valid content: poison it, so an access gets SIGBUS.</summary>
    Poison,
}
