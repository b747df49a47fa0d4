using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>The faulting reads of the timed parts: one native read per page, as a faulting access from .NET must be.</summary>
internal static class PageReads
{
    /// <summary>Reads the first byte of each page in <paramref name="order"/>; returns how many were not the fill pattern.</summary>
    public static long CountNotFilled(nint start, int pageSize, ReadOnlySpan<long> order)
    {
        long wrong = 0;
        foreach (long page in order)
        {
            wrong += GcSafeMemory.ReadByte(start + (nint)(page * pageSize)) != Patterns.Fill ? 1 : 0;
        }

        return wrong;
    }

    /// <summary>The same over pages 0 to <paramref name="pages"/> - 1 in address order.</summary>
    public static long CountNotFilled(nint start, int pageSize, long pages)
    {
        long wrong = 0;
        for (long page = 0; page < pages; page++)
        {
            wrong += GcSafeMemory.ReadByte(start + (nint)(page * pageSize)) != Patterns.Fill ? 1 : 0;
        }

        return wrong;
    }
}
