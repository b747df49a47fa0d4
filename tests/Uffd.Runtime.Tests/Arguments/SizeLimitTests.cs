using Uffd.Regions;
using Uffd.Runtime.Tests.Regions;

namespace Uffd.Runtime.Tests.Arguments;

/// <summary>
/// Every size argument has a maximum, and a larger one is refused before anything is mapped or allocated, with an
/// ArgumentOutOfRangeException that names the limit: no OverflowException, no OutOfMemoryException from the page
/// table, no wild span from an offset whose sum wrapped.
/// </summary>
public sealed class SizeLimitTests
{
    private const long MaxMapping = 1L << 47;
    private const string MaxMappingText = "140737488355328 bytes (128 TiB, UffdLimits.MaxMappingLength)";
    private static readonly int Page = Environment.SystemPageSize;

    [Fact]
    public void The_limits_are_the_address_space_and_the_largest_array()
    {
        Assert.Equal(MaxMapping, UffdLimits.MaxMappingLength);
        Assert.Equal(Array.MaxLength, UffdLimits.MaxRegionPages);
        Assert.Equal(Array.MaxLength, UffdLimits.MaxRegionPagesOf(Page));
        Assert.Equal(1L << 26, UffdLimits.MaxRegionPagesOf(2 << 20));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(MaxMapping + 1)]
    public void Mapping_more_than_the_address_space_names_the_maximum(long length)
    {
        foreach (Action map in new Action[]
        {
            () => UffdMemory.MapAnonymous(length),
            () => UffdMemory.MapShared(length),
            () => UffdMemory.MapHugetlb(length),
        })
        {
            var e = ArgumentAssert.Throws<ArgumentOutOfRangeException>(map, "length",
                $"length {length} is longer than the user address space: at most {MaxMappingText}", "Map less");
            Assert.Equal(length, e.ActualValue);
        }
    }

    [Theory]
    [InlineData(long.MaxValue / 4096)] // once an OverflowException from pages * page size
    [InlineData(1L << 31)] // once an OverflowException from the page table's (int) cast
    [InlineData(int.MaxValue)] // once an OutOfMemoryException from new int[int.MaxValue]
    [InlineData((long)int.MaxValue - 55)] // Array.MaxLength + 1
    public void A_region_with_more_pages_than_its_page_table_can_hold_names_the_maximum(long pages)
    {
        var e = ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            () => TestRegion.Open(new RegionRecorder(1), TestRegion.Settings("Huge", pages)), "settings",
            $"Region 'Huge': Pages = {pages} is more than the maximum of {Array.MaxLength} pages",
            $"one int per page in one array (UffdLimits.MaxRegionPages = {Array.MaxLength})", "Open a smaller region");
        Assert.Equal(pages, e.ActualValue);
    }

    [Fact]
    public void A_read_ahead_too_large_to_stage_is_refused_at_open_with_the_most_it_may_be()
    {
        // 65,536 pages of 4 KiB stage 256 MiB: the most a fault may stage is 65,535 pages of read-ahead.
        Assert.Equal(4096, Page);
        using (TestRegion.Open(new RegionRecorder(70_000), TestRegion.Settings("MostReadAhead", 70_000) with { ReadAhead = 65_535 }))
        {
        }

        var e = ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            () => TestRegion.Open(new RegionRecorder(70_000), TestRegion.Settings("ReadAheadTooFar", 70_000) with { ReadAhead = 65_536 }),
            "settings",
            "Region 'ReadAheadTooFar': ReadAhead = 65536 would stage 65537 pages of 4 KiB per fault, more than the 256 MiB a fault may stage",
            "Lower ReadAhead to at most 65535.");
        Assert.Equal(65_536, e.ActualValue);

        // Read-ahead stops at the region's end, so a small region may ask for any.
        using (TestRegion.Open(new RegionRecorder(4), TestRegion.Settings("SmallRegionFarReadAhead", 4) with { ReadAhead = int.MaxValue }))
        {
        }
    }

    [Theory]
    [InlineData((1L << 26) + 1)]
    [InlineData(1L << 31)]
    public void A_huge_page_region_longer_than_the_address_space_names_the_maximum_in_huge_pages(long pages)
    {
        Assert.Equal(2 << 20, KernelInfo.DefaultHugePageSize);
        var e = ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            () => TestRegion.Open(new RegionRecorder(1), TestRegion.Settings("HugeHuge", pages) with { Memory = RegionMemory.HugePages }),
            "settings",
            $"Region 'HugeHuge': Pages = {pages} is more than the maximum of {1L << 26} pages",
            "pages of 2 MiB span the whole user address space (128 TiB, UffdLimits.MaxMappingLength)");
        Assert.Equal(pages, e.ActualValue);
    }

    [Fact]
    public void Every_uffd_range_longer_than_the_address_space_names_the_maximum()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Page);
        using UffdMemory source = UffdMemory.MapAnonymous(Page);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        nint at = memory.Address;
        long length = (MaxMapping + Page) & ~(long)(Page - 1); // aligned, so only the size is wrong

        foreach ((string name, Action call) in new (string, Action)[]
        {
            ("Register", () => uffd.Register(at, length, RegisterMode.Missing)),
            ("Unregister", () => uffd.Unregister(at, length)),
            ("Copy", () => uffd.Copy(at, source.Address, length)),
            ("ZeroPage", () => uffd.ZeroPage(at, length)),
            ("Wake", () => uffd.Wake(at, length)),
            ("WriteProtect", () => uffd.WriteProtect(at, length)),
            ("RemoveWriteProtection", () => uffd.RemoveWriteProtection(at, length)),
            ("Continue", () => uffd.Continue(at, length)),
            ("Poison", () => uffd.Poison(at, length)),
            ("Move", () => uffd.Move(at, source.Address, length)),
        })
        {
            var e = Record.Exception(call);
            Assert.True(e is ArgumentOutOfRangeException, $"{name}: {e}");
            ArgumentAssert.Throws<ArgumentOutOfRangeException>(call, "length",
                $"length {length} is longer than the user address space: at most {MaxMappingText}");
        }

        Assert.Equal(RegisterMode.None, VmaInfo.Find(at)!.RegisteredModes);
    }

    [Fact]
    public void A_slice_whose_end_would_wrap_is_outside_the_mapping()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(2 * Page);

        // offset + length wrapped negative and passed the check: a span at Address + long.MaxValue, or a madvise
        // of 2^63 bytes.
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => memory.AsSpan(long.MaxValue, 16), "offset",
            $"[{long.MaxValue}, +16) is outside the {2 * Page}-byte mapping");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => memory.Discard(Page, long.MaxValue - Page + 1), "offset",
            "is outside the");
    }

    [Fact]
    public void Touching_or_populating_a_negative_or_oversized_length_is_refused()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Page);

        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => GcSafeMemory.Touch(memory.Address, -1, Page), "length", "must not be negative");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => GcSafeMemory.Populate(memory.Address, -1), "length", "must not be negative");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => GcSafeMemory.Touch(memory.Address, long.MaxValue, Page), "length",
            $"at most {MaxMappingText}");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => GcSafeMemory.Populate(memory.Address, long.MaxValue), "length",
            $"at most {MaxMappingText}");
        Assert.Equal(0, GcSafeMemory.Populate(memory.Address, Page));
    }

    [Fact]
    public void A_pagemap_scan_that_ends_before_it_starts_or_has_a_negative_page_limit_is_refused()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Page);
        using Pagemap pagemap = Pagemap.OpenSelf();
        var regions = new PageRegion[4];
        nint end = memory.Address + Page;

        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => pagemap.Scan(new PagemapScanRequest(end, memory.Address), regions, out _),
            "request", "ends before it starts");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            () => pagemap.Scan(new PagemapScanRequest(memory.Address, memory.Address + (nint)(MaxMapping + Page)), regions, out _),
            "request", $"at most {MaxMappingText}");
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(
            () => pagemap.Scan(new PagemapScanRequest(memory.Address, end) { MaxPages = -1 }, regions, out _), "request",
            "MaxPages must not be negative");
        Assert.Equal(0, pagemap.Scan(new PagemapScanRequest(memory.Address, end) { Required = PageCategories.Present, Returned = PageCategories.Present }, regions, out _));
    }
}
