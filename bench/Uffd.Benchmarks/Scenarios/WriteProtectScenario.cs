using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>How the synchronous write-protect scenarios write one byte to a protected page.</summary>
internal enum ProtectedWrite
{
    /// <summary><c>GcSafeMemory.Write</c> at the page's address: the write faults, a handler unprotects the page.</summary>
    Native,

    /// <summary>The region's <c>Write</c>: the same fault, taken inside its native copy.</summary>
    RegionWrite,

    /// <summary>
    /// <c>LeaseSpan(offset, 1)</c>, then a plain store: the lease calls the write handler and unprotects the page on
    /// this thread before it is returned, so no fault is taken.
    /// </summary>
    Lease,
}

/// <summary>
/// Write-protect round trips: every page is populated and protected in <see cref="Prepare"/>; the timed part writes
/// one byte to each page in random order, and each write waits for the write handler and the unprotect (or, through
/// a lease, calls them itself first).
/// </summary>
internal sealed class WriteProtectScenario(string name, long pages, ProtectedWrite through = ProtectedWrite.Native) : IFaultScenario
{
    private DirtyTrackingRegion? region;
    private long[]? order;
    private long messagesBeforeExecute;

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
        messagesBeforeExecute = region.Statistics.Messages;
    }

    public long Execute()
    {
        switch (through)
        {
            case ProtectedWrite.Native:
                WriteNative(region!, order!);
                break;
            case ProtectedWrite.RegionWrite:
                WriteThroughRegion(region!, order!);
                break;
            default:
                WriteThroughLease(region!, order!);
                break;
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
            if (through == ProtectedWrite.Lease)
            {
                // Every lease unprotected its page before the store: no write reached a handler as a fault.
                RegionChecks.Equal(messagesBeforeExecute, finishing.Statistics.Messages, "fault messages (writes through leases)", name);
            }

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

    private static void WriteNative(DirtyTrackingRegion region, long[] order)
    {
        nint start = region.BaseAddress;
        int pageSize = region.PageSize;
        ReadOnlySpan<byte> written = [Patterns.Written];
        foreach (long page in order)
        {
            GcSafeMemory.Write(start + (nint)(page * pageSize), written);
        }
    }

    private static void WriteThroughRegion(DirtyTrackingRegion region, long[] order)
    {
        int pageSize = region.PageSize;
        ReadOnlySpan<byte> written = [Patterns.Written];
        foreach (long page in order)
        {
            region.Write(page * pageSize, written);
        }
    }

    private static void WriteThroughLease(DirtyTrackingRegion region, long[] order)
    {
        int pageSize = region.PageSize;
        foreach (long page in order)
        {
            using SpanLease lease = region.LeaseSpan(page * pageSize, 1);
            lease.Span[0] = Patterns.Written;
        }
    }
}
