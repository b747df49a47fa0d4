using System;
using System.Collections.Generic;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case page-table-oom</c>: a region whose page count is valid (at most UffdLimits.MaxRegionPages) but whose page
/// table (one int per page) the GC cannot give. Open must say how many bytes the table needed, release everything,
/// and leave the region openable at a size that fits. Once, Open(int.MaxValue) threw a bare OutOfMemoryException
/// from the table's array. The GC heap is limited to <see cref="HeapLimit"/> in this process only (GCHeapHardLimit,
/// applied with GC.RefreshMemoryLimit), so the refusal is real and the same on every machine.
/// </summary>
internal static class PageTableCase
{
    public const string Name = "page-table-oom";

    private const ulong HeapLimit = 256UL << 20;

    /// <summary>1 TiB of 4 KiB pages: a 1 GiB page table, four times the heap limit.</summary>
    private const long Pages = 1L << 28;

    public static int Run(string[] args)
    {
        if (args.Length != 0)
        {
            Console.Error.WriteLine($"usage: case {Name}");
            return Program.Usage;
        }

        // Once with the heap unlimited: what the first Open loads and maps is not held against the refused one.
        using (var warm = new PageTableRegion())
        {
            warm.Open(16);
        }

        AppContext.SetData("GCHeapHardLimit", HeapLimit);
        GC.RefreshMemoryLimit();

        ProcessResources before = ProcessResources.TakeWithoutRegions();
        using var region = new PageTableRegion();
        Exception? refused = null;
        try
        {
            region.Open(Pages);
        }
        catch (Exception e)
        {
            refused = e;
        }

        ProcessResources after = ProcessResources.SettleTo(before);
        var problems = new List<string>();
        string needed = $"needs {Pages * sizeof(int)} bytes (1 GiB)";
        if (refused is not InsufficientMemoryException || !refused.Message.Contains(needed, StringComparison.Ordinal))
        {
            problems.Add($"expected an InsufficientMemoryException that {needed}, got {refused?.GetType().Name ?? "none"}");
        }

        if (after.HeldBeyond(before) is { Count: > 0 } held)
        {
            problems.Add($"not released: {string.Join(", ", held)}");
        }

        // The generated Open resets its state when the engine's Open fails: the same object opens at a size that fits.
        if (refused is not null)
        {
            region.Open(16);
            Span<byte> page = stackalloc byte[region.PageSize];
            region.Read(3L * region.PageSize, page);
            if (page.IndexOfAnyExcept((byte)3) >= 0)
            {
                problems.Add("the region opened afterwards read back wrong");
            }
        }

        string line = $"{Name} pages={Pages} heap-limit={HeapLimit} {after} error={refused?.GetType().Name}: {refused?.Message}";
        Output.Line(problems.Count == 0 ? $"ok {line}" : $"fail {line} -- {string.Join("; ", problems)}");
        return problems.Count == 0 ? 0 : Program.Failed;
    }
}

/// <summary>Sized at Open: the case asks for more pages than its page table can be allocated for.</summary>
[FaultRegion(Mode = FaultMode.Missing, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class PageTableRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);
}
