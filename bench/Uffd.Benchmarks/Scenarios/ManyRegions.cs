using System;
using System.Collections.Generic;
using System.Diagnostics;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// Many small generated regions open at once, as a program that maps one region per object would have them: each
/// <see cref="PinnedPerCpuRegion"/> (the default strategy, as users write it) opened with
/// <see cref="PagesPerRegion"/> pages, one after another, each Open and each Dispose timed on its own. Its faults are
/// random reads spread over every page of every region (one native read each, as a faulting access from .NET must be).
/// </summary>
internal sealed class ManyRegions
{
    public const int PagesPerRegion = 16;

    private readonly List<PinnedPerCpuRegion> regions;

    private ManyRegions(List<PinnedPerCpuRegion> regions, double[] openMicroseconds, long managedBytes)
    {
        this.regions = regions;
        OpenMicroseconds = openMicroseconds;
        ManagedBytes = managedBytes;
    }

    public int Count => regions.Count;

    /// <summary>Wall time of each region's Open, in order.</summary>
    public double[] OpenMicroseconds { get; }

    /// <summary>Bytes the whole process allocated on the managed heap while the regions were opened.</summary>
    public long ManagedBytes { get; }

    public static ManyRegions Open(int count)
    {
        var regions = new List<PinnedPerCpuRegion>(count);
        var open = new double[count];
        long before = GC.GetTotalAllocatedBytes(precise: true);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var region = new PinnedPerCpuRegion();
                long start = Stopwatch.GetTimestamp();
                region.Open(PagesPerRegion);
                open[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                regions.Add(region);
            }
        }
        catch
        {
            foreach (PinnedPerCpuRegion region in regions)
            {
                region.Dispose();
            }

            throw;
        }

        long managed = GC.GetTotalAllocatedBytes(precise: true) - before - count * IntPtr.Size; // not the list's slots
        return new ManyRegions(regions, open, managed);
    }

    /// <summary>Every page of every region, in a fixed random order, split into <paramref name="chunks"/> equal runs.</summary>
    public nint[][] SpreadFaults(int chunks)
    {
        var all = new nint[(long)regions.Count * PagesPerRegion];
        int k = 0;
        foreach (PinnedPerCpuRegion region in regions)
        {
            for (int p = 0; p < PagesPerRegion; p++)
            {
                all[k++] = region.BaseAddress + (nint)p * region.PageSize;
            }
        }

        long[] order = AccessOrder.Shuffled(all.Length, seed: 0x5CA1E);
        var result = new nint[chunks][];
        int per = all.Length / chunks;
        for (int c = 0; c < chunks; c++)
        {
            result[c] = new nint[per];
            for (int i = 0; i < per; i++)
            {
                result[c][i] = all[order[c * per + i]];
            }
        }

        return result;
    }

    /// <summary>The timed part of one chunk: one native read per address. Returns the faults, or throws on a wrong byte.</summary>
    public static long Fault(nint[] addresses)
    {
        long wrong = 0;
        foreach (nint address in addresses)
        {
            wrong += GcSafeMemory.ReadByte(address) != Patterns.Fill ? 1 : 0;
        }

        return wrong == 0 ? addresses.Length : throw new InvalidOperationException($"many regions: {wrong} pages read wrong bytes.");
    }

    /// <summary>Disposes the regions one after another, first opened first; returns each Dispose's wall time.</summary>
    public double[] DisposeAll()
    {
        var times = new double[regions.Count];
        for (int i = 0; i < regions.Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            regions[i].Dispose();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        regions.Clear();
        return times;
    }
}
