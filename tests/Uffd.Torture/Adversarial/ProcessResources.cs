using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Tests.Shared;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// What this process holds, as the kernel sees it: open descriptors (entries of /proc/self/fd), threads (Threads: in
/// /proc/self/status), the threads of the regions' own dispatchers among them (all named "uffd ...", which comm
/// keeps; the shared dispatcher's are not counted: they stay once started), the accessible
/// mappings of /proc/self/maps at least <see cref="LargeMapping"/> long, and the address space all mappings span
/// (VmSize).
/// Reading it opens files, so take it with descriptors to spare.
/// </summary>
/// <remarks>
/// The .NET runtime starts threads and maps memory on its own at any time (a background GC thread on the first
/// background collection; the JIT's double-mapped code memfd grows, GC commits split its reservations), so neither
/// all threads nor all lines of /proc/self/maps can be compared. Every thread a region starts is named "uffd ...";
/// the regions under test are <see cref="LargeMapping"/> long, which nothing else in the process maps, so a leaked
/// one shows as an extra large mapping and as VmSize grown by that much. <see cref="Threads"/> and
/// <see cref="Mappings"/> (all lines) are printed, not compared.
/// </remarks>
internal readonly partial record struct ProcessResources(int Descriptors, int Threads, int RegionThreads, int LargeMappings, int Mappings, long VmSizeKiB)
{
    /// <summary>The length of the regions under test, and the least length counted in <see cref="LargeMappings"/>.</summary>
    public const long LargeMapping = 1L << 30;

    /// <summary>How long counts may take to settle: an exiting thread leaves the task list just after Join returns.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private const int MallocArenaMax = -8; // M_ARENA_MAX of <malloc.h>

    /// <summary>
    /// No new malloc arenas from here on: glibc makes one (a 64 MiB mapping, kept for good) when threads contend for
    /// the existing ones, which would show as address space Open never took.
    /// </summary>
    public static void KeepMallocArenas() => mallopt(MallocArenaMax, 1);

    public static ProcessResources Take()
    {
        // The directory's own descriptor is listed too; it is listed in every snapshot alike.
        int descriptors = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        // The shared dispatcher's threads ("uffd dispatch #n") serve every region and live as long as the process.
        int regionThreads = ProcessThreads.CountNamed("uffd ") - ProcessThreads.CountNamed("uffd dispatch");
        int threads = 0;
        long vmSize = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("VmSize:", StringComparison.Ordinal))
            {
                vmSize = long.Parse(line.AsSpan(7).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        int mappings = 0, large = 0;
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            mappings++;
            if (Length(line) >= LargeMapping && !IsReservation(line))
            {
                large++;
            }
        }

        return new ProcessResources(descriptors, threads, regionThreads, large, mappings, vmSize);
    }

    /// <summary>
    /// A snapshot with no region open: once the threads of regions disposed a moment ago have left (bounded by 3 s;
    /// a thread that never leaves was reported by the attempt that leaked it).
    /// </summary>
    public static ProcessResources TakeWithoutRegions()
    {
        long started = Stopwatch.GetTimestamp();
        ProcessResources now = Take();
        while (now.RegionThreads != 0 && Stopwatch.GetElapsedTime(started) < Settle)
        {
            Thread.Sleep(20);
            now = Take();
        }

        return now;
    }

    /// <summary>
    /// Takes snapshots until nothing is held beyond <paramref name="before"/> or <paramref name="settle"/> (3 s by
    /// default) passes, and returns the last: threads joined a moment ago may still be leaving.
    /// </summary>
    public static ProcessResources SettleTo(ProcessResources before, TimeSpan? settle = null)
    {
        long started = Stopwatch.GetTimestamp();
        ProcessResources now = Take();
        while (now.HeldBeyond(before).Count != 0 && Stopwatch.GetElapsedTime(started) < (settle ?? Settle))
        {
            Thread.Sleep(20);
            now = Take();
        }

        return now;
    }

    /// <summary>What this snapshot holds that <paramref name="before"/> did not (empty when everything was released).</summary>
    public List<string> HeldBeyond(ProcessResources before)
    {
        var held = new List<string>();
        Compare(held, "fds", Descriptors, before.Descriptors);
        Compare(held, "region-threads", RegionThreads, before.RegionThreads);
        Compare(held, "large-maps", LargeMappings, before.LargeMappings);

        // Less than one region either way: the runtime's own mappings come and go by kilobytes or megabytes.
        if (Math.Abs(VmSizeKiB - before.VmSizeKiB) * 1024 >= LargeMapping / 2)
        {
            held.Add($"vmsize {before.VmSizeKiB}kB -> {VmSizeKiB}kB");
        }

        return held;
    }

    public override string ToString() =>
        $"fds={Descriptors} threads={Threads} region-threads={RegionThreads} large-maps={LargeMappings} maps={Mappings} vmsize={VmSizeKiB}kB";

    private static void Compare(List<string> held, string what, int now, int before)
    {
        if (now != before)
        {
            held.Add($"{what} {before} -> {now}");
        }
    }

    /// <summary>
    /// PROT_NONE: address space the runtime reserved (the GC heap, the JIT's code), which splits as it commits pages
    /// inside. A region is mapped readable and writable; a leaked one that was revoked shows in VmSize instead.
    /// </summary>
    private static bool IsReservation(string line) => line.AsSpan(line.IndexOf(' ') + 1).StartsWith("---");

    /// <summary>The length of a /proc/self/maps line's mapping ("start-end perms ...", hexadecimal).</summary>
    private static long Length(string line)
    {
        int dash = line.IndexOf('-');
        int space = line.IndexOf(' ');
        return long.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) -
               long.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
