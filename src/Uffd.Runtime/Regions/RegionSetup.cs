using System;
using System.IO;

namespace Uffd.Regions;

/// <summary>
/// What a region's settings mean for the kernel: which memory to map, which register modes, and exactly which
/// features to negotiate (the ones the mode needs, plus the events the engine handles and the fault's thread id).
/// </summary>
internal static class RegionSetup
{
    public static void Validate(in FaultRegionSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Name))
        {
            throw new ArgumentException("The region needs a name: it is quoted in errors and thread names.", nameof(settings));
        }

        const FaultMode All = FaultMode.Missing | FaultMode.WriteProtect | FaultMode.Minor;
        if (settings.Mode == 0 || (settings.Mode & ~All) != 0)
        {
            throw new ArgumentException($"Region '{settings.Name}': Mode {settings.Mode} must combine Missing, WriteProtect and Minor.", nameof(settings));
        }

        if (settings.Pages <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Pages, $"Region '{settings.Name}': Pages must be positive.");
        }

        CheckPageLimits(settings);

        if (settings.HandlerThreads < 0 || settings.ReadAhead < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings),
                $"Region '{settings.Name}': HandlerThreads ({settings.HandlerThreads}) and ReadAhead ({settings.ReadAhead}) must not be negative.");
        }

        CheckReadAhead(settings);
        CheckProviderCalls(settings);

        if (settings.WriteTracking is not (WriteTracking.Synchronous or WriteTracking.Asynchronous))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.WriteTracking, $"Region '{settings.Name}': WriteTracking is not a WriteTracking value.");
        }

        if (settings.UserModeOnly is not (UserModeOnlyPolicy.Allow or UserModeOnlyPolicy.Require or UserModeOnlyPolicy.Forbid))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.UserModeOnly, $"Region '{settings.Name}': UserModeOnly is not a UserModeOnlyPolicy value.");
        }

        if (settings.WriteTracking == WriteTracking.Asynchronous && (settings.Mode & FaultMode.WriteProtect) == 0)
        {
            throw new ArgumentException(
                $"Region '{settings.Name}': WriteTracking = Asynchronous tracks writes to protected pages, so Mode needs WriteProtect.", nameof(settings));
        }

        if ((settings.Mode & FaultMode.Minor) != 0 && settings.Memory == RegionMemory.Anonymous)
        {
            throw new ArgumentException(
                $"Region '{settings.Name}': Minor faults need shared memory (Memory = Shared or HugePages); private anonymous memory has no page cache.",
                nameof(settings));
        }
    }

    /// <summary>
    /// Pages fit the page table (one int each, in one array) and, multiplied by the page size of the memory (a huge
    /// page for HugePages), the user address space; so neither the table's allocation nor the length can overflow.
    /// </summary>
    private static void CheckPageLimits(in FaultRegionSettings settings)
    {
        long pageSize = PageSizeOf(settings.Memory);
        long max = UffdLimits.MaxRegionPagesOf(pageSize);
        if (settings.Pages <= max)
        {
            return;
        }

        string reason = max == UffdLimits.MaxRegionPages
            ? $"its page table holds one int per page in one array (UffdLimits.MaxRegionPages = {UffdLimits.MaxRegionPages})"
            : $"{max} pages of {UffdLimits.Bytes(pageSize)} span the whole user address space ({UffdLimits.Bytes(UffdLimits.MaxMappingLength)}, UffdLimits.MaxMappingLength)";
        throw new ArgumentOutOfRangeException(nameof(settings), settings.Pages,
            $"Region '{settings.Name}': Pages = {settings.Pages} is more than the maximum of {max} pages: {reason}. " +
            "Open a smaller region, or split the data over several regions.");
    }

    /// <summary>
    /// The most bytes one fault stages (the faulting page and its read-ahead). The staging buffer belongs to a
    /// dispatcher thread and is allocated on the first fault that needs it, where a failure could only end the
    /// process: so a read-ahead that could not be staged is refused here, when the region opens.
    /// </summary>
    internal const long MaxStagingBytes = 256L << 20;

    /// <summary>(1 + ReadAhead) pages, at most the region's, fit <see cref="MaxStagingBytes"/>.</summary>
    private static void CheckReadAhead(in FaultRegionSettings settings)
    {
        long pageSize = PageSizeOf(settings.Memory);
        long staged = Math.Min(1L + settings.ReadAhead, settings.Pages);
        if (pageSize == 0 || staged <= MaxStagingBytes / pageSize)
        {
            return;
        }

        throw new ArgumentOutOfRangeException(nameof(settings), settings.ReadAhead,
            $"Region '{settings.Name}': ReadAhead = {settings.ReadAhead} would stage {staged} pages of {UffdLimits.Bytes(pageSize)} per fault, " +
            $"more than the {UffdLimits.Bytes(MaxStagingBytes)} a fault may stage. Lower ReadAhead to at most {MaxStagingBytes / pageSize - 1}.");
    }

    /// <summary>MaxPagesPerCall is at least 1 and its buffer fits <see cref="MaxStagingBytes"/>; MaxFaultsInFlight is not negative.</summary>
    private static void CheckProviderCalls(in FaultRegionSettings settings)
    {
        if (settings.MaxPagesPerCall < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxPagesPerCall,
                $"Region '{settings.Name}': MaxPagesPerCall must be at least 1 (one page per provider call).");
        }

        long pageSize = PageSizeOf(settings.Memory);
        long perCall = Math.Min(Math.Min((long)settings.MaxPagesPerCall, 1L + settings.ReadAhead), settings.Pages);
        if (pageSize != 0 && perCall > MaxStagingBytes / pageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxPagesPerCall,
                $"Region '{settings.Name}': MaxPagesPerCall = {settings.MaxPagesPerCall} would hand the provider {perCall} pages of {UffdLimits.Bytes(pageSize)}, " +
                $"more than the {UffdLimits.Bytes(MaxStagingBytes)} a call may fill. Lower it to at most {MaxStagingBytes / pageSize}.");
        }

        if (settings.ReadAheadMode is not (ReadAheadMode.Always or ReadAheadMode.Sequential))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.ReadAheadMode, $"Region '{settings.Name}': ReadAheadMode is not a ReadAheadMode value.");
        }

        if (settings.MaxFaultsInFlight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxFaultsInFlight,
                $"Region '{settings.Name}': MaxFaultsInFlight must not be negative (0 means {FaultRegionSettings.DefaultMaxFaultsInFlight}).");
        }
    }

    /// <summary>
    /// The page size of a kind of memory: the default huge page size for HugePages (0 when the kernel has none, which
    /// <see cref="Map"/> reports), the base page size otherwise.
    /// </summary>
    private static long PageSizeOf(RegionMemory memory) =>
        memory == RegionMemory.HugePages ? KernelInfo.DefaultHugePageSize : Environment.SystemPageSize;

    /// <summary>The memory <see cref="RegionMemory.Default"/> stands for: shared for Minor, anonymous otherwise.</summary>
    public static RegionMemory ResolveMemory(in FaultRegionSettings settings) => settings.Memory switch
    {
        RegionMemory.Default => (settings.Mode & FaultMode.Minor) != 0 ? RegionMemory.Shared : RegionMemory.Anonymous,
        var m => m,
    };

    /// <summary>
    /// Maps the region's memory. Only a Minor region gets an alias view: there the page cache is what the provider
    /// completes, staged through the alias; in any other region a page touched through an alias would be allocated
    /// in the memfd and never reach the provider. <paramref name="pages"/> passed <see cref="Validate"/>, so the length fits.
    /// </summary>
    public static UffdMemory Map(RegionMemory kind, long pages, FaultMode mode)
    {
        bool alias = (mode & FaultMode.Minor) != 0;
        switch (kind)
        {
            case RegionMemory.Anonymous:
                return UffdMemory.MapAnonymous(checked(pages * Environment.SystemPageSize));
            case RegionMemory.Shared:
                return UffdMemory.MapShared(checked(pages * Environment.SystemPageSize), alias);
            case RegionMemory.HugePages:
                long hugePage = KernelInfo.ReadDefaultHugePageSize(out IOException? unreadable);
                if (hugePage <= 0)
                {
                    throw new UffdException(unreadable is null
                        ? "Memory = HugePages, but the kernel reports no default huge page size (CONFIG_HUGETLBFS)."
                        : $"Memory = HugePages, but the default huge page size could not be read from /proc/meminfo: {unreadable.Message} " +
                          "If the process is at its descriptor limit (RLIMIT_NOFILE, ulimit -n), close descriptors or raise it.");
                }

                return UffdMemory.MapHugetlb(checked(pages * hugePage), shared: true, alias);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown RegionMemory.");
        }
    }

    public static RegisterMode RegisterModeOf(FaultMode mode) =>
        ((mode & FaultMode.Missing) != 0 ? RegisterMode.Missing : RegisterMode.None) |
        ((mode & FaultMode.WriteProtect) != 0 ? RegisterMode.WriteProtect : RegisterMode.None) |
        ((mode & FaultMode.Minor) != 0 ? RegisterMode.Minor : RegisterMode.None);

    /// <summary>The uffd options for the region's settings on a kind of memory.</summary>
    public static UffdOptions Options(in FaultRegionSettings settings, RegionMemory kind)
    {
        FaultMode mode = settings.Mode;
        WriteTracking tracking = settings.WriteTracking;
        bool hugetlb = kind == RegionMemory.HugePages;
        bool anonymous = kind == RegionMemory.Anonymous;

        // The engine handles REMOVE (the pages are missing again), UNMAP (stop serving) and REMAP (follow the move);
        // without REMAP an mremap would silently unregister the moved pages.
        UffdFeatures required = UffdFeatures.EventRemove | UffdFeatures.EventUnmap | UffdFeatures.EventRemap;
        // ThreadId makes PageFaultContext.ThreadId real; Poison backs PageFill.Poison and the Poison policy.
        UffdFeatures optional = UffdFeatures.ThreadId | UffdFeatures.Poison;
        if ((mode & FaultMode.Missing) != 0 && !anonymous)
        {
            required |= hugetlb ? UffdFeatures.MissingHugetlbfs : UffdFeatures.MissingShmem;
        }

        if ((mode & FaultMode.WriteProtect) != 0)
        {
            // On anonymous memory, WRITEPROTECT skips never-touched pages unless WP_UNPOPULATED is on.
            required |= anonymous ? UffdFeatures.WPUnpopulated : UffdFeatures.WPHugetlbfsShmem;
            if (tracking == WriteTracking.Asynchronous)
            {
                // The kernel resolves write faults itself and records them for PAGEMAP_SCAN.
                required |= UffdFeatures.WPAsync;
            }
        }

        if ((mode & FaultMode.Minor) != 0)
        {
            required |= hugetlb ? UffdFeatures.MinorHugetlbfs : UffdFeatures.MinorShmem;
        }

        if (settings.AsynchronousProvider)
        {
            // A fetch that Dispose cancels poisons its pages: the thread waiting on them fails instead of hanging.
            required |= UffdFeatures.Poison;
            optional &= ~UffdFeatures.Poison;
        }

        // RevokeAccessOnClose stays on: after Dispose, a page still registered crashes instead of reading zeros.
        return new UffdOptions { RequiredFeatures = required, OptionalFeatures = optional, UserModeOnly = settings.UserModeOnly };
    }
}
