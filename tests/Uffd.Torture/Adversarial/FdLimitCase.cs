using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// <c>case fd-limit</c>: generated regions opened with 0, 1, 2... descriptors left below RLIMIT_NOFILE. A failed
/// Open must say which limit it hit and release everything it took (descriptors, handler threads, mappings); a
/// successful one must serve a page and Dispose, with no descriptor to spare, without throwing. Once, a failed Open
/// kept its descriptors and Dispose threw IOException (it opened /proc/self/fdinfo/N).
/// </summary>
/// <remarks>
/// Each attempt compares the process before (no dummy descriptors open) with after (dummies closed again), so the
/// counts include everything Open could have leaked. One region uses asynchronous write tracking (its pagemap
/// descriptor is required), one shared memory (a memfd), both with a dispatcher of their own (its epoll and eventfd
/// descriptors and threads), and one joins the process's shared dispatcher: between them every descriptor Open takes
/// is in play. The shared dispatcher starts in the unjudged sweep (at whatever budget first lets it) and is part of
/// the process from then on, as it is of any process once its first region opens.
/// </remarks>
internal static class FdLimitCase
{
    public const string Name = "fd-limit";

    /// <summary>
    /// Budgets 0..this: past what any region needs (3 and 4 descriptors, 5 more for a dispatcher of its own of 2
    /// threads, and 2 more for a moment to start each thread), so Open succeeds at the last budgets.
    /// </summary>
    private const int MaxFree = 12;

    /// <summary>The lowered soft limit's room above what is open: the dummies that fill it up.</summary>
    private const int Headroom = 48;

    /// <summary>What an attempt may allocate without a GC: a page table (1 MiB), snapshots, threads, messages.</summary>
    private const long NoGcBudget = 64L << 20;

    private static readonly (string Name, Func<IFdLimitRegion> Create)[] Kinds =
    [
        ("tracked", () => new FdLimitTrackedRegion()),
        ("shared", () => new FdLimitSharedRegion()),
        ("dispatched", () => new FdLimitDispatchedRegion()),
    ];

    public static int Run(string[] args)
    {
        if (args.Length != 0)
        {
            Console.Error.WriteLine($"usage: case {Name}");
            return Program.Usage;
        }

        ProcessResources.KeepMallocArenas();
        LoadReferencedAssemblies();
        int failures = 0;
        using (DescriptorBudget budget = DescriptorBudget.Lower(ProcessResources.Take().Descriptors, Headroom))
        {
            Output.Line($"limit {Name} soft={budget.Limit}");

            // The sweep once unjudged first: the first Open probes the kernel's features on a temporary uffd, the
            // first failures load and compile their paths, and glibc caches the stacks of exited threads (a thread
            // that failed to start included), all of which maps memory once and keeps it.
            Sweep(budget, judged: false);
            failures = Sweep(budget, judged: true);
        }

        Output.Line($"done {Name} failed={failures}");
        return failures == 0 ? 0 : Program.Failed;
    }

    /// <summary>Every region at every budget; returns how many attempts failed (counted only when judged).</summary>
    private static int Sweep(DescriptorBudget budget, bool judged)
    {
        int failures = 0;
        foreach ((string name, Func<IFdLimitRegion> create) in Kinds)
        {
            for (int free = 0; free <= MaxFree; free++)
            {
                if (!judged)
                {
                    Attempt(create, free, budget, TimeSpan.Zero);
                    continue;
                }

                if (!Report(name, free, Attempt(create, free, budget, settle: null)))
                {
                    failures++;
                }
            }
        }

        return failures;
    }

    /// <summary>Opens one region with <paramref name="free"/> descriptors left: what happened, and what the process held before and after.</summary>
    private static AttemptResult Attempt(Func<IFdLimitRegion> create, int free, DescriptorBudget budget, TimeSpan? settle)
    {
        ProcessResources before = ProcessResources.TakeWithoutRegions();
        IFdLimitRegion region = create();
        Exception? refused = null, disposeError = null;
        bool served = false;
        double disposeMs = 0;

        // No GC until the last snapshot: a descriptor Open forgot would otherwise be closed by its SafeHandle's
        // finalizer after the next collection (each attempt allocates a 1 MiB page table), and go unnoticed.
        bool noGc = GC.TryStartNoGCRegion(NoGcBudget, NoGcBudget / 4);
        budget.Leave(free);
        try
        {
            try
            {
                region.Open();
            }
            catch (Exception e)
            {
                refused = e;
            }

            if (refused is null)
            {
                // Serve and dispose with no descriptor to spare at all.
                budget.FillAll();
                served = ServesAPage(region);
                long started = Stopwatch.GetTimestamp();
                try
                {
                    region.Dispose();
                }
                catch (Exception e)
                {
                    disposeError = e;
                }

                disposeMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }
        finally
        {
            budget.Release();
        }

        // Unjudged (settle zero), the same calls run, so they are compiled and their assemblies loaded, without waiting.
        ProcessResources after = ProcessResources.SettleTo(before, settle);
        bool collected = !noGc || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion;
        if (!collected)
        {
            GC.EndNoGCRegion();
        }

        return new AttemptResult(before, after, refused, served, disposeError, disposeMs, collected);
    }

    /// <summary>Prints the attempt's line; true when it passed.</summary>
    private static bool Report(string name, int free, AttemptResult result)
    {
        List<string> problems = result.Problems();
        string outcome = result.Refused is null ? "opened" : "refused";
        string line = $"{Name} region={name} free={free} outcome={outcome} {result.After} " +
                      $"dispose-ms={result.DisposeMs.ToString("F0", CultureInfo.InvariantCulture)}";
        if (result.Refused is { } refused)
        {
            line += $" error={refused.GetType().Name}: {refused.Message}";
        }

        Output.Line(problems.Count == 0 ? $"ok {line}" : $"fail {line} -- {string.Join("; ", problems)}");
        return problems.Count == 0;
    }

    /// <summary>
    /// Loads every assembly this program and the runtime reference while descriptors are to spare. Loading one opens
    /// its file, and a load that fails at the limit stays failed for the process: a method compiled (or recompiled by
    /// tiered compilation) while the dummies fill the table would then throw FileNotFoundException for good.
    /// </summary>
    private static void LoadReferencedAssemblies()
    {
        foreach (Assembly assembly in new[] { typeof(FdLimitCase).Assembly, typeof(Userfaultfd).Assembly })
        {
            foreach (AssemblyName reference in assembly.GetReferencedAssemblies())
            {
                Assembly.Load(reference);
            }
        }
    }

    private static bool ServesAPage(IFdLimitRegion region)
    {
        Span<byte> page = stackalloc byte[region.PageSize];
        region.Read(2L * region.PageSize, page);
        return page.IndexOfAnyExcept(FdLimitContent.Of(2)) < 0;
    }
}

/// <summary>One attempt: the process before and after, and how Open, the page and Dispose went.</summary>
internal sealed record AttemptResult(
    ProcessResources Before, ProcessResources After, Exception? Refused, bool Served, Exception? DisposeError, double DisposeMs, bool Collected)
{
    /// <summary>Dispose waits up to 10 s when it cannot tell whether a thread is in a fault; a quiet region takes milliseconds.</summary>
    private const double DisposeBoundMs = 3000;

    /// <summary>Everything wrong: what was not released, and how Open, the page or Dispose went wrong.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (After.HeldBeyond(Before) is { Count: > 0 } held)
        {
            problems.Add($"not released: {string.Join(", ", held)}");
        }

        if (Collected)
        {
            problems.Add("a GC ran during the attempt, so finalizers may have closed what Open forgot: raise NoGcBudget");
        }

        if (Refused is not null && !(Refused is UffdException && Refused.Message.Contains("RLIMIT_NOFILE", StringComparison.Ordinal)))
        {
            problems.Add("the refusal is not a UffdException naming RLIMIT_NOFILE");
        }

        if (Refused is null && !Served)
        {
            problems.Add("the page read back wrong");
        }

        if (DisposeError is not null)
        {
            problems.Add($"Dispose threw {DisposeError.GetType().Name}: {DisposeError.Message}");
        }

        if (DisposeMs > DisposeBoundMs)
        {
            problems.Add($"Dispose took {DisposeMs:F0} ms");
        }

        return problems;
    }
}

/// <summary>The generated members the case uses.</summary>
internal interface IFdLimitRegion : IDisposable
{
    void Open();

    int PageSize { get; }

    void Read(long offset, Span<byte> destination);
}

internal static class FdLimitContent
{
    /// <summary>1 GiB of 4 KiB pages: as long as the large mappings <see cref="ProcessResources"/> counts, so a leaked one shows.</summary>
    public const long Pages = ProcessResources.LargeMapping / 4096;

    public static byte Of(long pageIndex) => (byte)(0x40 + pageIndex);
}

/// <summary>Asynchronous write tracking on anonymous memory: the uffd, its fdinfo, and a required pagemap.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = FdLimitContent.Pages, HandlerThreads = 2, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class FdLimitTrackedRegion : IFdLimitRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(FdLimitContent.Of(pageIndex));
}

/// <summary>The default: the process's shared dispatcher serves it.</summary>
[FaultRegion(Mode = FaultMode.Missing, Pages = FdLimitContent.Pages, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class FdLimitDispatchedRegion : IFdLimitRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(FdLimitContent.Of(pageIndex));
}

/// <summary>Shared memory: a memfd (and an alias mapping) besides the descriptors every region has.</summary>
[FaultRegion(Mode = FaultMode.Missing, Memory = RegionMemory.Shared, Pages = FdLimitContent.Pages, HandlerThreads = 2, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class FdLimitSharedRegion : IFdLimitRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(FdLimitContent.Of(pageIndex));
}
