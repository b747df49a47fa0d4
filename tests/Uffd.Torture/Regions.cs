using System;
using System.Collections.Generic;
using System.Threading;
using Uffd.Regions;

namespace Uffd.Torture;

// Every region below is a [FaultRegion] partial class: the generator emits Open, the accessors and the glue. The
// interfaces only name the generated members each mode has, so one driver can run them all; every call still lands
// on the generated member.
// Every region accepts a user-mode-only uffd (UserModeOnly = Allow): as root it gets one that serves kernel-mode
// faults, as nobody (UserModeOnlyTortureTests, and the suite's run as nobody) a user-mode-only one, and each region
// checks after Open that it got the kind the process reported (Program.PrintUffd).

/// <summary>The members every generated region has.</summary>
internal interface ITortureRegion : IDisposable
{
    /// <summary>What the region's provider and write handler did (the user's side, not the engine's counters).</summary>
    RegionLog Log { get; }

    void Open(long pages);

    int PageSize { get; }

    nint BaseAddress { get; }

    FaultRegionStatistics Statistics { get; }

    bool IsUserModeOnly { get; }

    ReadOnlySpan<byte> AsReadOnlySpan();

    ReadOnlySpan<byte> AsReadOnlySpan(long offset, int length);

    void Read(long offset, Span<byte> destination);

    void Write(long offset, ReadOnlySpan<byte> source);

    void Prefault(long offset, long length, bool write = false);
}

/// <summary>Regions with plain writable spans (all but synchronous write protection).</summary>
internal interface IWritableSpans : ITortureRegion
{
    Span<byte> AsSpan();

    Span<byte> AsSpan(long offset, int length);
}

/// <summary>Synchronous write protection: writable spans only as leases, which Protect waits for.</summary>
internal interface ILeasedSpans : ITortureRegion
{
    SpanLease LeaseSpan();

    SpanLease LeaseSpan(long offset, int length);

    void Protect(long firstPage, long pageCount);
}

/// <summary>Asynchronous write tracking.</summary>
internal interface ITrackedWrites : IWritableSpans
{
    int CollectWrittenPages(Span<PageRange> destination);

    IReadOnlyList<PageRange> CollectWrittenPages();
}

/// <summary>Minor regions: the never-registered alias view, through which the round stages page-cache content.</summary>
internal interface IAliased : IWritableSpans
{
    Span<byte> AliasSpan(long offset, int length);
}

/// <summary>One round's record of a region's callbacks, per page.</summary>
internal sealed class RegionLog
{
    public RegionLog(long pages, ulong seed)
    {
        Seed = seed;
        FillCalls = new int[pages];
        WriteCalls = new int[pages];
    }

    /// <summary>The content seed (0: the region's content is zeros).</summary>
    public ulong Seed { get; }

    public int[] FillCalls { get; }

    public int[] WriteCalls { get; }

    /// <summary>Write-handler calls made on a handler thread: a write that faulted (as opposed to a lease's or prefault's call).</summary>
    public int WriteCallsOnHandlerThreads;

    /// <summary>Minor faults whose page-cache content was not what the round put there.</summary>
    public int ProviderMismatches;

    /// <summary>The region a <see cref="MirrorRegion"/> copies from.</summary>
    public ITortureRegion? Source { get; init; }

    public void Filled(long page) => Interlocked.Increment(ref FillCalls[page]);

    public void Written(long page)
    {
        Interlocked.Increment(ref WriteCalls[page]);
        if (Thread.CurrentThread.Name?.StartsWith("uffd ", StringComparison.Ordinal) == true)
        {
            Interlocked.Increment(ref WriteCallsOnHandlerThreads);
        }
    }
}

/// <summary>Base of the regions: the log is set before Open (the provider may run as soon as Open returns).</summary>
internal abstract class LoggedRegion
{
    private RegionLog? log;

    public RegionLog Log => log ?? throw new InvalidOperationException("no log yet");

    public void Start(RegionLog log, long pages)
    {
        this.log = log;
        var region = (ITortureRegion)this;
        region.Open(pages);
        if (Program.UserModeOnly is { } expected && region.IsUserModeOnly != expected)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}.IsUserModeOnly is {region.IsUserModeOnly}, but this process's uffd is {(expected ? "" : "not ")}user-mode-only");
        }
    }
}

/// <summary>
/// Its provider returns <see cref="PageFill"/>, so it may poison a page: spans populate with MADV_POPULATE_READ here,
/// while the regions with void providers populate with a native read per page (both paths stay under torture).
/// </summary>
[FaultRegion(Mode = FaultMode.Missing, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class MissingRegion : LoggedRegion, IWritableSpans
{
    [PageProvider]
    private PageFill Fill(long pageIndex, Span<byte> page)
    {
        Pattern.Fill(page, Log.Seed, pageIndex);
        Log.Filled(pageIndex);
        return PageFill.Filled;
    }
}

/// <summary>A provider that reads another region through its span: population from a handler thread.</summary>
[FaultRegion(Mode = FaultMode.Missing, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class MirrorRegion : LoggedRegion, IWritableSpans
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Log.Source!.AsReadOnlySpan(pageIndex * page.Length, page.Length).CopyTo(page);
        Log.Filled(pageIndex);
    }
}

/// <summary>Synchronous write protection over missing pages; fills install protected, so first writes report too.</summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class SyncWriteProtectRegion : LoggedRegion, ILeasedSpans
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Pattern.Fill(page, Log.Seed, pageIndex);
        Log.Filled(pageIndex);
    }

    [WriteHandler]
    private void OnWrite(long pageIndex) => Log.Written(pageIndex);
}

[FaultRegion(Mode = FaultMode.WriteProtect, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class WriteProtectOnlyRegion : LoggedRegion, ILeasedSpans
{
    [WriteHandler]
    private void OnWrite(long pageIndex) => Log.Written(pageIndex);
}

[FaultRegion(Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class AsyncWriteProtectRegion : LoggedRegion, ITrackedWrites
{
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class AsyncMissingRegion : LoggedRegion, ITrackedWrites
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Pattern.Fill(page, Log.Seed, pageIndex);
        Log.Filled(pageIndex);
    }
}

/// <summary>
/// Minor faults: the round writes each page's content into the page cache through the alias, all but
/// <see cref="Pattern.ProviderWord"/>, which the provider writes in place after checking the rest.
/// </summary>
[FaultRegion(Mode = FaultMode.Minor, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class MinorRegion : LoggedRegion, IAliased
{
    [PageProvider]
    private void Complete(long pageIndex, Span<byte> page)
    {
        Pattern.CompleteStaged(page, Log, pageIndex);
        Log.Filled(pageIndex);
    }
}

[FaultRegion(Mode = FaultMode.Missing, Memory = RegionMemory.HugePages, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class HugeRegion : LoggedRegion, IWritableSpans
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Pattern.Fill(page, Log.Seed, pageIndex);
        Log.Filled(pageIndex);
    }
}

/// <summary>
/// Huge pages with an alias (Minor): a page the round staged through the alias raises a minor fault and the provider
/// checks and completes it in place; a page nobody staged raises a missing fault and the provider fills the zeroed
/// staging page whole.
/// </summary>
[FaultRegion(Mode = FaultMode.Missing | FaultMode.Minor, Memory = RegionMemory.HugePages, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class HugeMinorRegion : LoggedRegion, IAliased
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (page.IndexOfAnyExcept((byte)0) < 0)
        {
            Pattern.Fill(page, Log.Seed, pageIndex);
        }
        else
        {
            Pattern.CompleteStaged(page, Log, pageIndex);
        }

        Log.Filled(pageIndex);
    }
}
