using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Uffd.Regions;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case moved</c>: the user unmaps one page of a region and moves the tail of it elsewhere with mremap, then
/// touches every part through every accessor. Before, Read of the unmapped page killed the process with SIGSEGV.
/// Now: accesses to the unmapped page throw InvalidOperationException naming the range, before touching anything;
/// Read/Write/Protect follow the moved pieces; a span across the two pieces throws (a span needs one piece); the
/// provider and the write handler keep seeing the region's own page indices.
/// </summary>
internal static partial class MovedRangesCase
{
    private const int Pages = 8;
    private const int Unmapped = 3;
    private const int MovedFrom = 5;

    public static int Run(string[] args)
    {
        var failures = new List<string>();
        using (var region = new MovingRegion())
        {
            region.Open(Pages);
            Check(region, failures);
        }

        using (var region = new MovingTrackedRegion())
        {
            region.Open(Pages);
            CheckTracked(region, failures);
        }

        foreach (string failure in failures)
        {
            Output.Line("fail moved " + failure);
        }

        return failures.Count == 0 ? 0 : Program.Failed;
    }

    private static void Check(MovingRegion region, List<string> failures)
    {
        int size = region.PageSize;
        nint moved = Rearrange(region.BaseAddress, size);

        // The unmapped page: every accessor refuses, naming the range, and leaves the destination alone.
        string range = $"[{Unmapped * size}, {Unmapped * size + 16})";
        byte[] destination = new byte[2 * size];
        destination.AsSpan().Fill(0xEE);
        Expect(failures, "Read", range, () => region.Read(Unmapped * size, destination.AsSpan(0, 16)));
        Expect(failures, "Read", $"[{2 * size}, {4 * size})", () => region.Read(2 * size, destination));
        if (Array.Exists(destination, b => b != 0xEE))
        {
            failures.Add("a Read that threw wrote into its destination");
        }

        Expect(failures, "Write", range, () => region.Write(Unmapped * size, new byte[16]));
        Expect(failures, "Prefault", range, () => region.Prefault(Unmapped * size, 16));
        Expect(failures, "AsSpan", range, () => region.AsSpan(Unmapped * size, 16));
        Expect(failures, "AsReadOnlySpan", range, () => region.AsReadOnlySpan(Unmapped * size, 16));
        Expect(failures, "AsSpan", $"[0, {Pages * size})", () => region.AsSpan());

        // Across the mremap: Read and Write follow the pieces; a span across them cannot exist.
        byte[] across = new byte[2 * size];
        region.Read((MovedFrom - 1) * size, across);
        ExpectPattern(failures, "Read across the move", across.AsSpan(0, size), MovedFrom - 1);
        ExpectPattern(failures, "Read across the move", across.AsSpan(size), MovedFrom);
        Expect(failures, "AsReadOnlySpan", "consecutive", () => region.AsReadOnlySpan((MovedFrom - 1) * size, 2 * size));
        region.Write(MovedFrom * size - 4, [1, 2, 3, 4, 5, 6, 7, 8]);
        byte[] back = new byte[8];
        region.Read(MovedFrom * size - 4, back);
        if (!back.AsSpan().SequenceEqual(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }))
        {
            failures.Add($"a Write across the move read back as {Convert.ToHexString(back)}");
        }

        // Within the moved piece, spans work, at its new address.
        unsafe
        {
            ReadOnlySpan<byte> tail = region.AsReadOnlySpan((MovedFrom + 1) * size, 2 * size);
            fixed (byte* at = tail)
            {
                if ((nint)at != moved + size)
                {
                    failures.Add($"a span in the moved piece is at 0x{(nint)at:x}, not 0x{moved + size:x}");
                }
            }

            ExpectPattern(failures, "span in the moved piece", tail[..size], MovedFrom + 1);
            ExpectPattern(failures, "span in the moved piece", tail[size..], MovedFrom + 2);
        }

        // Pages 4 to 7 were touched, once each; the refused accesses never reached the provider.
        if (region.Fills != Pages - MovedFrom + 1)
        {
            failures.Add($"the provider ran {region.Fills} times for the {Pages - MovedFrom + 1} pages touched");
        }

        Output.Line($"ok moved missing: page {Unmapped} unmapped refused by 7 accessors, pages [{MovedFrom}, {Pages}) moved to 0x{moved:x} served with their indices, fills={region.Fills}");
    }

    private static void CheckTracked(MovingTrackedRegion region, List<string> failures)
    {
        int size = region.PageSize;
        Rearrange(region.BaseAddress, size);
        region.Read(0, new byte[Unmapped * size]);

        Expect(failures, "Protect", $"[{Unmapped * size}, {(Unmapped + 1) * size})", () => region.Protect(Unmapped, 1));
        Expect(failures, "LeaseSpan", $"[{Unmapped * size}, {Unmapped * size + 8})", () => region.LeaseSpan(Unmapped * size, 8).Dispose());

        // Protect over both pieces, then a write in each: both reported, under their own indices.
        region.Protect(MovedFrom - 1, Pages - MovedFrom + 1);
        region.Write((MovedFrom - 1) * size, [9]);
        region.Write((Pages - 1) * size, [9]);
        int[] written = region.Written.ToArray();
        if (!written.AsSpan().SequenceEqual(new[] { MovedFrom - 1, Pages - 1 }))
        {
            failures.Add($"writes after Protect across the move reported pages [{string.Join(", ", written)}]");
        }

        Output.Line($"ok moved tracked: Protect and LeaseSpan refuse page {Unmapped}; Protect across the move reported pages [{string.Join(", ", written)}]");
    }

    /// <summary>Unmaps page <see cref="Unmapped"/> and moves pages from <see cref="MovedFrom"/> to a new address, returned.</summary>
    private static nint Rearrange(nint start, int size)
    {
        if (munmap(start + Unmapped * size, (nuint)size) != 0)
        {
            throw new InvalidOperationException($"munmap failed: errno {Marshal.GetLastPInvokeError()}");
        }

        nuint length = (nuint)((Pages - MovedFrom) * size);
        nint target = mmap(0, length, 0, MapPrivate | MapAnonymous, -1, 0);
        nint moved = mremap(start + MovedFrom * size, length, length, MremapMayMove | MremapFixed, target);
        if (target == -1 || moved != target)
        {
            throw new InvalidOperationException($"mremap failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return moved;
    }

    private static void Expect(List<string> failures, string accessor, string named, Action access)
    {
        try
        {
            access();
            failures.Add($"{accessor} of {named} did not throw");
        }
        catch (InvalidOperationException e) when (e.Message.Contains(named, StringComparison.Ordinal))
        {
        }
        catch (Exception e)
        {
            failures.Add($"{accessor} of {named} threw {e.GetType().Name}: {e.Message}");
        }
    }

    private static void ExpectPattern(List<string> failures, string what, ReadOnlySpan<byte> page, long index)
    {
        if (page.IndexOfAnyExcept(MovingRegion.FillByte(index)) >= 0)
        {
            failures.Add($"{what}: page {index} does not hold its provider's content");
        }
    }

    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int MremapMayMove = 1;
    private const int MremapFixed = 2;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mremap(nint address, nuint oldLength, nuint newLength, int flags, nint newAddress);
}

[FaultRegion(Mode = FaultMode.Missing, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class MovingRegion
{
    private int fills;

    public int Fills => fills;

    public static byte FillByte(long index) => (byte)(0x40 + index);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        System.Threading.Interlocked.Increment(ref fills);
        page.Fill(FillByte(pageIndex));
    }
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class MovingTrackedRegion
{
    public System.Collections.Concurrent.ConcurrentQueue<int> Written { get; } = new();

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(MovingRegion.FillByte(pageIndex));

    [WriteHandler]
    private void OnWrite(long pageIndex) => Written.Enqueue((int)pageIndex);
}
