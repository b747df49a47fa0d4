using System;

namespace Uffd;

/// <summary>
/// The <c>PAGE_IS_*</c> categories of <c>PAGEMAP_SCAN</c> (Linux 6.7), with the kernel's bit values. Later kernels add
/// bits (<c>PAGE_IS_GUARD</c>, 1 &lt;&lt; 8, in 6.14); pass them as numbers, they are kept as they are.
/// </summary>
[Flags]
public enum PageCategories : ulong
{
    /// <summary>No category.</summary>
    None = 0,
    /// <summary><c>PAGE_IS_WPALLOWED</c>: the page is in a range registered for asynchronous write protection.</summary>
    WriteProtectAllowed = 1UL << 0,
    /// <summary><c>PAGE_IS_WRITTEN</c>: written since it was last write-protected (asynchronous write protection).</summary>
    Written = 1UL << 1,
    /// <summary><c>PAGE_IS_FILE</c>: backed by a file (shmem and hugetlbfs included).</summary>
    File = 1UL << 2,
    /// <summary><c>PAGE_IS_PRESENT</c>: mapped.</summary>
    Present = 1UL << 3,
    /// <summary><c>PAGE_IS_SWAPPED</c>: a swap entry (or a marker) rather than a page.</summary>
    Swapped = 1UL << 4,
    /// <summary><c>PAGE_IS_PFNZERO</c>: the shared zero page.</summary>
    ZeroPfn = 1UL << 5,
    /// <summary><c>PAGE_IS_HUGE</c>: part of a transparent or hugetlbfs huge page.</summary>
    Huge = 1UL << 6,
    /// <summary><c>PAGE_IS_SOFT_DIRTY</c>: soft-dirty.</summary>
    SoftDirty = 1UL << 7,
}

/// <summary>Flags of a <c>PAGEMAP_SCAN</c> request.</summary>
[Flags]
public enum PagemapScanFlags : ulong
{
    /// <summary>Only report.</summary>
    None = 0,
    /// <summary><c>PM_SCAN_WP_MATCHING</c>: write-protect the reported pages in the same walk (collect and re-arm atomically).</summary>
    WriteProtectMatching = 1UL << 0,
    /// <summary><c>PM_SCAN_CHECK_WPASYNC</c>: fail with EPERM instead of skipping a range not registered for asynchronous write protection.</summary>
    CheckWriteProtectAsync = 1UL << 1,
}
