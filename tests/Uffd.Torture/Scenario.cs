using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Uffd.Torture;

/// <summary>What went wrong in one (mode, path): a count and the first few messages.</summary>
internal sealed class Failures
{
    private readonly List<string> first = new();

    public int Count { get; private set; }

    public IReadOnlyList<string> First
    {
        get
        {
            lock (first)
            {
                return first.ToArray();
            }
        }
    }

    public void Add(string message)
    {
        lock (first)
        {
            Count++;
            if (first.Count < 5)
            {
                first.Add(message);
            }
        }
    }
}

/// <summary>How far a round's workers are, for its background thread.</summary>
internal sealed class RoundProgress
{
    private int touched;
    private int done;

    /// <summary>Pages touched so far by all the workers.</summary>
    public int Touched => Volatile.Read(ref touched);

    /// <summary>True once every worker has finished.</summary>
    public bool Done => Volatile.Read(ref done) != 0;

    public void Touch() => Interlocked.Increment(ref touched);

    public void Finish() => Volatile.Write(ref done, 1);
}

/// <summary>The counts one (mode, path) reports.</summary>
internal sealed class Totals
{
    public long Rounds;
    public long Pages;
    public long ProviderCalls;
    public long WriteCalls;
    public long Collected;
    public long ManagedWriteFaults;
    public long Protects;
}

/// <summary>
/// One mode: which generated region a round opens, which paths it has, and what it checks after each round. A round
/// opens fresh regions (so every page is missing, or protected, again), lets the workers touch every page through
/// the path (with a background thread where the path needs one), checks content and counts, and disposes them.
/// </summary>
internal abstract class Scenario
{
    protected Scenario(string mode, int pages)
    {
        Mode = mode;
        Pages = pages;
    }

    public string Mode { get; }

    /// <summary>Pages per round.</summary>
    public int Pages { get; }

    public abstract IReadOnlyList<string> Paths { get; }

    /// <summary>The region the workers touch this round.</summary>
    public ITortureRegion Region { get; protected set; } = null!;

    /// <summary>False for regions nobody fills (write protection only): their content is zeros.</summary>
    protected virtual bool HasProvider => true;

    /// <summary>Opens this round's fresh regions; their content comes from <paramref name="seed"/>.</summary>
    public abstract void Open(string path, ulong seed);

    /// <summary>Disposes this round's regions.</summary>
    public virtual void Close() => Region.Dispose();

    /// <summary>Runs on the main thread after Open, before the workers start.</summary>
    public virtual void Prepare(string path, RoundInfo k)
    {
    }

    /// <summary>True when worker w visits only the pages p with p % workers == w.</summary>
    public virtual bool Partitioned(string path) => false;

    /// <summary>One access of one page by one worker.</summary>
    public virtual string? Touch(string path, RoundInfo k, long page, int worker, byte[] buffer) => path switch
    {
        AccessPath.AsSpan => Access.AsSpanWhole((IWritableSpans)Region, k, page, worker),
        AccessPath.AsSpanRange => Access.AsSpanRange((IWritableSpans)Region, k, page, worker),
        AccessPath.AsReadOnlySpan => Access.AsReadOnlySpanWhole(Region, k, page, worker),
        AccessPath.AsReadOnlySpanRange => Access.AsReadOnlySpanRange(Region, k, page, worker),
        AccessPath.LeaseRange => Access.LeaseRange((ILeasedSpans)Region, k, page, worker),
        AccessPath.LeaseWhole => Access.LeaseWhole((ILeasedSpans)Region, k, page, worker),
        AccessPath.Read => Access.Read(Region, k, page, buffer),
        AccessPath.Write => Access.Write(Region, k, page, worker, buffer),
        AccessPath.Prefault => Region is ILeasedSpans leased
            ? Access.PrefaultThenLease(leased, k, page, worker)
            : Access.PrefaultThenSpan((IWritableSpans)Region, k, page, worker),
        AccessPath.Collect => Access.AsSpanRange((IWritableSpans)Region, k, page, worker),
        AccessPath.ProviderReadsOther => Access.AsReadOnlySpanRange(Region, k, page, worker),
        AccessPath.RawSpan => Access.RawSpan(Region, k, page, worker),
        _ => throw new ArgumentException($"mode {Mode} has no path {path}"),
    };

    /// <summary>Work for a thread of its own while the workers run (Protect or collect in a loop), or null.</summary>
    public virtual Action<RoundProgress>? Background(string path, RoundInfo k, Totals totals) => null;

    /// <summary>After the workers: every page's content, then the counts.</summary>
    public virtual void Verify(string path, RoundInfo k, Failures failures, Totals totals)
    {
        byte[] page = new byte[k.PageSize];
        int stamped = AccessPath.Writes(path) ? k.Workers : 0;
        for (long p = 0; p < k.Pages; p++)
        {
            Region.Read(p * k.PageSize, page);
            if (Pattern.Check(page, k.Seed, k.StampSeed, p, stamped) is { } error)
            {
                failures.Add($"round {k.Round} after the workers: {error}");
            }
        }

        if (HasProvider)
        {
            CheckFills(Region, k, failures, totals, expected: p => ExpectedFills(path, p));
        }
    }

    /// <summary>How many times the provider must have run for a page in a round.</summary>
    protected virtual int ExpectedFills(string path, long page) => 1;

    protected static void CheckFills(ITortureRegion region, RoundInfo k, Failures failures, Totals totals, Func<long, int> expected)
    {
        int[] calls = region.Log.FillCalls;
        for (long p = 0; p < calls.Length; p++)
        {
            if (calls[p] != expected(p))
            {
                failures.Add($"round {k.Round}: the provider of {region.GetType().Name} ran {calls[p]} times for page {p}, expected {expected(p)}");
            }
        }

        long sum = calls.Sum();
        totals.ProviderCalls += sum;
        var stats = region.Statistics;
        long served = stats.PagesFilled + stats.MinorFaults;
        if (served != sum)
        {
            failures.Add($"round {k.Round}: {region.GetType().Name} counted {stats.PagesFilled} fills and {stats.MinorFaults} minor faults, its provider ran {sum} times");
        }
    }

    protected static T Start<T>(T region, long pages, ulong seed, ITortureRegion? source = null)
        where T : LoggedRegion, ITortureRegion
    {
        try
        {
            region.Start(new RegionLog(pages, seed) { Source = source }, pages);
            return region;
        }
        catch
        {
            region.Dispose();
            throw;
        }
    }
}

/// <summary>Missing faults on private anonymous memory; its provider-reads-other path fills from a second region.</summary>
internal sealed class MissingScenario : Scenario
{
    private MissingRegion? source;

    public MissingScenario()
        : base("missing", 128)
    {
    }

    public override IReadOnlyList<string> Paths { get; } = new[]
    {
        AccessPath.AsSpan, AccessPath.AsSpanRange, AccessPath.AsReadOnlySpan, AccessPath.AsReadOnlySpanRange,
        AccessPath.Read, AccessPath.Write, AccessPath.Prefault, AccessPath.ProviderReadsOther,
    };

    public override void Open(string path, ulong seed)
    {
        if (path != AccessPath.ProviderReadsOther)
        {
            Region = Start(new MissingRegion(), Pages, seed);
            return;
        }

        source = Start(new MissingRegion(), Pages, seed);
        try
        {
            Region = Start(new MirrorRegion(), Pages, seed, source);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public override void Close()
    {
        base.Close();
        source?.Dispose();
        source = null;
    }

    public override void Verify(string path, RoundInfo k, Failures failures, Totals totals)
    {
        base.Verify(path, k, failures, totals);
        if (source is not null)
        {
            // The mirror read each source page through AsReadOnlySpan on a handler thread: once per page.
            CheckFills(source, k, failures, totals, _ => 1);
        }
    }
}

/// <summary>
/// Synchronous write protection, with missing pages (ProtectOnFill) or without. A thread protects the whole region
/// in a loop while the workers touch it. Reads never call the write handler; a write through a lease never faults
/// (the handler runs on the writer); and after a final Protect, one write per page calls the handler exactly once.
/// </summary>
internal sealed class SyncWriteProtectScenario : Scenario
{
    private readonly bool missing;

    public SyncWriteProtectScenario(bool missing)
        : base(missing ? "wp-sync" : "wp-only", 128)
    {
        this.missing = missing;
    }

    public override IReadOnlyList<string> Paths { get; } = new[]
    {
        AccessPath.AsReadOnlySpan, AccessPath.AsReadOnlySpanRange, AccessPath.LeaseRange, AccessPath.LeaseWhole,
        AccessPath.Read, AccessPath.Write, AccessPath.Prefault,
    };

    protected override bool HasProvider => missing;

    public override void Open(string path, ulong seed) =>
        Region = missing ? Start(new SyncWriteProtectRegion(), Pages, seed) : Start(new WriteProtectOnlyRegion(), Pages, 0);

    public override Action<RoundProgress>? Background(string path, RoundInfo k, Totals totals)
    {
        var region = (ILeasedSpans)Region;
        return progress =>
        {
            // The first half of the round's touches meet only the protection fills install (ProtectOnFill): a lease
            // must find those pages protected too. Then Protect keeps protecting them while leases are taken.
            while (!progress.Done && progress.Touched < k.Pages * k.Workers / 2)
            {
                Thread.Yield();
            }

            while (!progress.Done)
            {
                region.Protect(0, k.Pages);
                Interlocked.Increment(ref totals.Protects);
                Thread.Sleep(1);
            }
        };
    }

    public override void Verify(string path, RoundInfo k, Failures failures, Totals totals)
    {
        base.Verify(path, k, failures, totals);
        RegionLog log = Region.Log;
        bool viaLease = path is AccessPath.LeaseRange or AccessPath.LeaseWhole or AccessPath.Prefault;
        if (viaLease && log.WriteCallsOnHandlerThreads != 0)
        {
            failures.Add($"round {k.Round}: {log.WriteCallsOnHandlerThreads} writes through a lease faulted in managed code (write handler called on a handler thread)");
        }

        totals.ManagedWriteFaults += viaLease ? log.WriteCallsOnHandlerThreads : 0;
        if (!AccessPath.Writes(path))
        {
            totals.WriteCalls += log.WriteCalls.Sum();
            if (log.WriteCalls.Sum() != 0)
            {
                failures.Add($"round {k.Round}: reads called the write handler {log.WriteCalls.Sum()} times");
            }

            return;
        }

        // Exactness: protect everything, then write each page once through the same path, from this thread.
        ((ILeasedSpans)Region).Protect(0, k.Pages);
        int[] before = (int[])log.WriteCalls.Clone();
        int managedBefore = log.WriteCallsOnHandlerThreads;
        byte[] buffer = new byte[k.PageSize];
        for (long p = 0; p < k.Pages; p++)
        {
            if (Touch(path, k, p, 0, buffer) is { } error)
            {
                failures.Add($"round {k.Round} final write: {error}");
            }
        }

        for (long p = 0; p < k.Pages; p++)
        {
            int calls = log.WriteCalls[p] - before[p];
            // A write that faults (Write, from native code) may be reported twice if a signal made it fault again.
            if (viaLease ? calls != 1 : calls < 1)
            {
                failures.Add($"round {k.Round}: after Protect, one write to page {p} through {path} called the write handler {calls} times");
            }
        }

        if (viaLease && log.WriteCallsOnHandlerThreads != managedBefore)
        {
            failures.Add($"round {k.Round}: a final write through a lease faulted in managed code");
        }

        totals.WriteCalls += log.WriteCalls.Sum();
    }
}

/// <summary>
/// Asynchronous write tracking, with missing pages or without. Every page written in a round (and no other) must be
/// among the pages CollectWrittenPages returned, concurrently (the collect path) or at the end of the round.
/// </summary>
internal sealed class AsyncWriteProtectScenario : Scenario
{
    private readonly bool missing;
    private bool[] collected = Array.Empty<bool>();

    public AsyncWriteProtectScenario(bool missing)
        : base(missing ? "wp-async-missing" : "wp-async", 128)
    {
        this.missing = missing;
    }

    public override IReadOnlyList<string> Paths { get; } = new[]
    {
        AccessPath.AsSpan, AccessPath.AsSpanRange, AccessPath.AsReadOnlySpan, AccessPath.AsReadOnlySpanRange,
        AccessPath.Read, AccessPath.Write, AccessPath.Prefault, AccessPath.Collect,
    };

    protected override bool HasProvider => missing;

    public override void Open(string path, ulong seed)
    {
        collected = new bool[Pages];
        Region = missing ? Start(new AsyncMissingRegion(), Pages, seed) : Start(new AsyncWriteProtectRegion(), Pages, 0);
    }

    public override Action<RoundProgress>? Background(string path, RoundInfo k, Totals totals)
    {
        if (path != AccessPath.Collect)
        {
            return null;
        }

        var region = (ITrackedWrites)Region;
        return progress =>
        {
            Span<PageRange> runs = stackalloc PageRange[16];
            while (!progress.Done)
            {
                int found = region.CollectWrittenPages(runs);
                Mark(runs[..found]);
                Thread.Yield();
            }
        };
    }

    public override void Verify(string path, RoundInfo k, Failures failures, Totals totals)
    {
        base.Verify(path, k, failures, totals);
        var runs = ((ITrackedWrites)Region).CollectWrittenPages();
        Mark(runs.ToArray());
        bool written = AccessPath.Writes(path);
        for (long p = 0; p < k.Pages; p++)
        {
            if (collected[p] != written)
            {
                failures.Add($"round {k.Round}: page {p} was {(written ? "written" : "only read")} but {(collected[p] ? "was" : "was never")} collected as written");
            }
        }

        totals.Collected += collected.Count(c => c);
    }

    private void Mark(ReadOnlySpan<PageRange> runs)
    {
        foreach (PageRange run in runs)
        {
            for (long p = run.FirstPage; p < run.EndPage; p++)
            {
                collected[p] = true;
            }
        }
    }
}

/// <summary>
/// Minor faults on shared memory: the round fills the page cache through AliasSpan (the alias path: each worker
/// fills its own pages), then the workers touch the registered view; the provider checks and completes each page.
/// </summary>
internal sealed class MinorScenario : Scenario
{
    public MinorScenario()
        : base("minor", 128)
    {
    }

    public override IReadOnlyList<string> Paths { get; } = new[]
    {
        AccessPath.AsSpan, AccessPath.AsSpanRange, AccessPath.AsReadOnlySpan, AccessPath.AsReadOnlySpanRange,
        AccessPath.Read, AccessPath.Write, AccessPath.Prefault, AccessPath.Alias,
    };

    public override void Open(string path, ulong seed) => Region = Start(new MinorRegion(), Pages, seed);

    public override void Prepare(string path, RoundInfo k)
    {
        if (path != AccessPath.Alias)
        {
            for (long p = 0; p < k.Pages; p++)
            {
                Access.FillThroughAlias((IAliased)Region, k, p, leaveProviderWord: true);
            }
        }
    }

    public override bool Partitioned(string path) => path == AccessPath.Alias;

    public override string? Touch(string path, RoundInfo k, long page, int worker, byte[] buffer)
    {
        if (path != AccessPath.Alias)
        {
            return base.Touch(path, k, page, worker, buffer);
        }

        Access.FillThroughAlias((IAliased)Region, k, page, leaveProviderWord: true);
        return Access.AsReadOnlySpanRange(Region, k, page, worker);
    }

    public override void Verify(string path, RoundInfo k, Failures failures, Totals totals)
    {
        base.Verify(path, k, failures, totals);
        if (Region.Log.ProviderMismatches != 0)
        {
            failures.Add($"round {k.Round}: the provider found {Region.Log.ProviderMismatches} pages whose page-cache content was not what the alias wrote");
        }

        for (long p = 0; p < k.Pages; p++)
        {
            if (Access.ReadThroughAlias((IAliased)Region, k, p) is { } error)
            {
                failures.Add($"round {k.Round} through the alias: {error}");
            }
        }
    }
}

/// <summary>
/// Missing faults on hugetlbfs. A Missing region has no alias, so the alias path runs a Missing | Minor region on
/// hugetlbfs: even pages are prefaulted (a missing fault) and read through the alias (the provider's content), odd
/// pages are staged through the alias and read through the registered view (a minor fault: the provider checks and
/// completes them). The provider runs once for every page either way.
/// </summary>
internal sealed class HugePagesScenario : Scenario
{
    public const int PagesPerRound = 4;

    public HugePagesScenario()
        : base("hugepages", PagesPerRound)
    {
    }

    public override IReadOnlyList<string> Paths { get; } = new[]
    {
        AccessPath.AsSpan, AccessPath.AsSpanRange, AccessPath.AsReadOnlySpan, AccessPath.AsReadOnlySpanRange,
        AccessPath.Read, AccessPath.Write, AccessPath.Prefault, AccessPath.Alias,
    };

    public override void Open(string path, ulong seed) =>
        Region = path == AccessPath.Alias ? Start(new HugeMinorRegion(), Pages, seed) : Start(new HugeRegion(), Pages, seed);

    public override bool Partitioned(string path) => path == AccessPath.Alias;

    public override string? Touch(string path, RoundInfo k, long page, int worker, byte[] buffer)
    {
        if (path != AccessPath.Alias)
        {
            return base.Touch(path, k, page, worker, buffer);
        }

        var region = (IAliased)Region;
        if (page % 2 == 0)
        {
            region.Prefault(page * k.PageSize, k.PageSize);
            return Access.ReadThroughAlias(region, k, page);
        }

        Access.FillThroughAlias(region, k, page, leaveProviderWord: true);
        return Access.AsReadOnlySpanRange(region, k, page, worker);
    }

    public override void Verify(string path, RoundInfo k, Failures failures, Totals totals)
    {
        base.Verify(path, k, failures, totals);
        if (path != AccessPath.Alias)
        {
            return;
        }

        if (Region.Log.ProviderMismatches != 0)
        {
            failures.Add($"round {k.Round}: the provider found {Region.Log.ProviderMismatches} staged pages whose page-cache content was not what the alias wrote");
        }

        if (Region.Statistics.MinorFaults != k.Pages / 2)
        {
            failures.Add($"round {k.Round}: {Region.Statistics.MinorFaults} minor faults, expected one per staged (odd) page: {k.Pages / 2}");
        }

        for (long p = 0; p < k.Pages; p++)
        {
            if (Access.ReadThroughAlias((IAliased)Region, k, p) is { } error)
            {
                failures.Add($"round {k.Round} through the alias: {error}");
            }
        }
    }
}

/// <summary>The control: a raw span over BaseAddress, which must hang under the same pressure.</summary>
internal sealed class ControlScenario : Scenario
{
    public ControlScenario()
        : base("control", 1024)
    {
    }

    public override IReadOnlyList<string> Paths { get; } = new[] { AccessPath.RawSpan };

    public override void Open(string path, ulong seed) => Region = Start(new MissingRegion(), Pages, seed);
}
