using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// The runtime's <see cref="Pagemap"/> against the kernel: entries agree with a direct read of /proc/self/pagemap,
/// PAGEMAP_SCAN reports runs by category and continues where a full vector stopped it, and on memory registered for
/// asynchronous write protection it collects the written pages and protects them again in one walk
/// (tools/testing/selftests/mm/pagemap_ioctl.c covers the same ground in C).
/// </summary>
public sealed class PagemapScanTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void Entries_agree_with_a_direct_read_of_the_pagemap()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(4 * PageSize);
        using Pagemap pagemap = Pagemap.OpenSelf();
        memory.AsSpan(PageSize, 1)[0] = 1;

        for (int page = 0; page < 4; page++)
        {
            nint address = memory.Address + page * PageSize;
            PagemapEntry entry = pagemap.ReadEntry(address);
            Assert.Equal(RawPagemap.Entry(address), entry.Raw);
            Assert.Equal(page == 1, entry.IsPresent);
            Assert.False(entry.IsUffdWriteProtected);
        }
    }

    [Fact]
    public void A_scan_reports_runs_by_category_and_continues_from_where_a_full_vector_stopped_it()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(16 * PageSize);
        using Pagemap pagemap = Pagemap.OpenSelf();
        foreach (int page in new[] { 1, 2, 5, 9, 10, 11, 15 })
        {
            memory.AsSpan((long)page * PageSize, 1)[0] = 1;
        }

        var request = new PagemapScanRequest(memory.Address, memory.Address + 16 * PageSize)
        {
            Required = PageCategories.Present,
            Returned = PageCategories.Present,
        };
        Span<PageRegion> one = stackalloc PageRegion[1];
        var runs = new List<(int First, int Count)>();
        nint cursor = request.Start;
        while (cursor < request.End && pagemap.Scan(request with { Start = cursor }, one, out nint walkEnd) == 1)
        {
            Assert.Equal(PageCategories.Present, one[0].Categories);
            runs.Add(((int)((one[0].Start - memory.Address) / PageSize), (int)(one[0].Length / PageSize)));
            cursor = walkEnd;
        }

        Assert.Equal(new[] { (1, 2), (5, 1), (9, 3), (15, 1) }, runs);

        Span<PageRegion> many = stackalloc PageRegion[8];
        Assert.Equal(2, pagemap.Scan(request with { MaxPages = 3 }, many, out _));
        Assert.Equal(3, (many[0].Length + many[1].Length) / PageSize);
    }

    [Fact]
    public void Written_pages_of_an_asynchronous_write_protect_range_are_collected_once_and_protected_again()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(32 * PageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.WPAsync, RevokeAccessOnClose = false });
        Assert.True((uffd.EnabledFeatures & UffdFeatures.WPUnpopulated) != 0, "WP_ASYNC implies WP_UNPOPULATED");
        uffd.Register(memory.Address, memory.Length, RegisterMode.WriteProtect);
        using Pagemap pagemap = Pagemap.OpenSelf();
        try
        {
            Assert.True(uffd.WriteProtect(memory.Address, memory.Length).IsDone);
            nint end = memory.Address + (nint)memory.Length;
            Span<PageRegion> vector = stackalloc PageRegion[16];
            Assert.Equal(0, pagemap.CollectWritten(memory.Address, end, vector, out _));

            // No handler exists: with WP_ASYNC the kernel unprotects written pages itself, so nothing blocks.
            Faulter.Run(() =>
            {
                foreach (int page in new[] { 0, 7, 8, 31 })
                {
                    Registered.WriteByte(memory.Address + page * PageSize + 3, 0x42);
                }

                return 0;
            }).Join();
            Assert.False(pagemap.ReadEntry(memory.Address + 7 * PageSize).IsUffdWriteProtected, "a written page is unprotected");

            int found = pagemap.CollectWritten(memory.Address, end, vector, out nint walkEnd);
            Assert.Equal(end, walkEnd);
            Assert.Equal(new[] { (0, 1), (7, 2), (31, 1) },
                vector[..found].ToArray().Select(r => ((int)((r.Start - memory.Address) / PageSize), (int)(r.Length / PageSize))));
            Assert.True(pagemap.ReadEntry(memory.Address + 7 * PageSize).IsUffdWriteProtected, "collecting protects again");
            Assert.Equal(0, pagemap.CollectWritten(memory.Address, end, vector, out _));
            Assert.Equal(0x42, Registered.ReadBytes(memory.Address + 31 * PageSize + 3, 1)[0]);
            Assert.True(Messages.NoneWithin(uffd, 0));
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void Collecting_from_memory_not_registered_for_asynchronous_write_protection_says_what_is_missing()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(2 * PageSize);
        using Pagemap pagemap = Pagemap.OpenSelf();
        memory.AsSpan(0, 1)[0] = 1;

        UffdException refused = Assert.Throws<UffdException>(() => pagemap.CollectWritten(memory.Address, memory.Address + 2 * PageSize, new PageRegion[4], out _));
        Assert.Equal(1, refused.Errno);   // EPERM
        Assert.Contains("WPAsync", refused.Message);

        ArgumentException unaligned = Assert.Throws<ArgumentException>(() =>
            pagemap.Scan(new PagemapScanRequest(memory.Address + 1, memory.Address + PageSize), new PageRegion[1], out _));
        Assert.Contains("page-aligned", unaligned.Message);
    }
}
