using System.Runtime.InteropServices;

namespace Uffd;

/// <summary>
/// One run of pages a <c>PAGEMAP_SCAN</c> reported: <c>struct page_region</c> exactly as the kernel writes it
/// (24 bytes), so a span of these is the ioctl's output vector without copying.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct PageRegion
{
    private readonly ulong start;
    private readonly ulong end;
    private readonly ulong categories;

    /// <summary>Creates a region (for tests and hand-built vectors).</summary>
    public PageRegion(nint start, nint end, PageCategories categories)
    {
        this.start = (ulong)start;
        this.end = (ulong)end;
        this.categories = (ulong)categories;
    }

    /// <summary>First byte of the run.</summary>
    public nint Start => (nint)start;

    /// <summary>One past the last byte of the run.</summary>
    public nint End => (nint)end;

    /// <summary>The run's length in bytes.</summary>
    public long Length => (long)(end - start);

    /// <summary>The categories of the request's return mask that every page of the run has.</summary>
    public PageCategories Categories => (PageCategories)categories;

    /// <inheritdoc />
    public override string ToString() => $"[0x{start:x}, 0x{end:x}) {Categories}";
}

/// <summary>A run of a region's pages: <see cref="Count"/> pages from page index <see cref="FirstPage"/>.</summary>
/// <param name="FirstPage">The first page's index in the region.</param>
/// <param name="Count">How many pages.</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct PageRange(long FirstPage, long Count)
{
    /// <summary>One past the last page.</summary>
    public long EndPage => FirstPage + Count;
}
