using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// Write-protect round trips: every page is populated and protected in <see cref="Prepare"/>; the timed part writes
/// one byte to each page in random order, and each write waits for the write handler and the unprotect.
/// </summary>
internal sealed class WriteProtectScenario(string name, long pages) : IFaultScenario
{
    private DirtyTrackingRegion? region;
    private long[]? order;

    public void Prepare()
    {
        region = new DirtyTrackingRegion();
        region.Open(pages);
        // Populated before protection, as the C reference's memset: the timed faults are pure WP faults.
        byte[] page = new byte[region.PageSize];
        page.AsSpan().Fill(Patterns.Populated);
        for (long p = 0; p < pages; p++)
        {
            region.Write(p * region.PageSize, page);
        }

        region.Protect(0, pages);
        order = AccessOrder.Shuffled(pages, seed: 0x3A11);
    }

    public long Execute()
    {
        nint start = region!.BaseAddress;
        int pageSize = region.PageSize;
        ReadOnlySpan<byte> written = [Patterns.Written];
        foreach (long page in order!)
        {
            GcSafeMemory.Write(start + (nint)(page * pageSize), written);
        }

        return pages;
    }

    public void Finish()
    {
        DirtyTrackingRegion finishing = region!;
        region = null;
        using (finishing)
        {
            RegionChecks.Equal(pages, finishing.Writes, "write-handler calls", name);
            RegionChecks.Equal(pages, finishing.Statistics.WriteFaults, "write faults served", name);
            for (long p = 0; p < pages; p++)
            {
                ReadOnlySpan<byte> page = finishing.AsReadOnlySpan(p * finishing.PageSize, 2);
                if (page[0] != Patterns.Written || page[1] != Patterns.Populated)
                {
                    throw new InvalidOperationException($"{name}: page {p} holds 0x{page[0]:x2} 0x{page[1]:x2}.");
                }
            }
        }
    }
}
