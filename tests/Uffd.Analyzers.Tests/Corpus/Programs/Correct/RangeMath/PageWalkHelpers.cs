using System;
using Uffd;

namespace Corpus.PageWalkHelpers;

/// <summary>Page-walking helpers over a raw mapping, every step and mask from the mapping's own page size.</summary>
public static class PageWalk
{
    private static nint Down(nint address, int size) => address & ~((nint)size - 1);

    private static long PagesIn(long bytes, int size) => (bytes + size - 1) / size;

    public static nint PageOf(UffdMemory memory, PageFaultEvent fault) => Down(fault.Address, memory.PageSize);

    /// <summary>Write-protects every other page of a registration.</summary>
    public static int ProtectEveryOther(Userfaultfd uffd, UffdRegistration registration, int pageSize)
    {
        int protectedPages = 0;
        for (nint page = registration.Start; page < registration.Start + (nint)registration.Length; page += 2 * pageSize)
        {
            UffdResult result = uffd.WriteProtect(page, pageSize);
            if (result.IsDone)
            {
                protectedPages++;
            }
            else if (result.Outcome is not (UffdOutcome.RangeGone or UffdOutcome.TargetGone))
            {
                throw new InvalidOperationException($"WRITEPROTECT at 0x{page:x}: {result}");
            }
        }

        return protectedPages;
    }

    /// <summary>Gives back the pages of [offset, offset + length), whole pages only.</summary>
    public static void Release(UffdMemory memory, long offset, long length)
    {
        var (first, count) = (offset / memory.PageSize, PagesIn(length, memory.PageSize));
        for (long i = 0; i < count; i++)
        {
            memory.Discard((first + i) * memory.PageSize, memory.PageSize);
        }
    }

    /// <summary>A stable 12-bit tag per page for a debug log (4096 buckets), not an address computation.</summary>
    public static int Tag(long pageNumber) => (int)(unchecked((ulong)pageNumber * 0x9E3779B97F4A7C15UL) & 0xFFF);
}
