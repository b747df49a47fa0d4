using System;
using System.Runtime.InteropServices;

namespace Uffd.Regions;

/// <summary>
/// What one dispatcher thread keeps for one region: its counters (written by that thread only, summed by
/// <see cref="FaultRegionStatistics"/> readers), the provider's answer for each page it staged, and the work the
/// kernel made it defer: one install answered with EAGAIN, and the faults read while that install waits.
/// </summary>
/// <remarks>
/// The staging buffer itself belongs to the dispatcher thread (shared by every region it serves, since it serves one
/// fault at a time); only a deferred COPY keeps its pages here, in a buffer allocated the first time one is deferred.
/// </remarks>
internal sealed unsafe class RegionThreadState : IDisposable
{
    private PageFaultEvent[] queued = [];
    private long[] queuedReadAt = [];

    public RegionThreadState(int stagingPages)
    {
        StagingPages = stagingPages;
        Kinds = new PageFill[stagingPages];
    }

    /// <summary>(1 + ReadAhead) pages, at most the region's: the faulting page first, then the read-ahead pages.</summary>
    public int StagingPages { get; }

    /// <summary>What the provider returned for each staged page.</summary>
    public PageFill[] Kinds { get; }

    /// <summary>True while <see cref="Pending"/> holds an install to retry.</summary>
    public bool HasPending;

    /// <summary>The install the kernel answered with EAGAIN, to retry from where it stopped.</summary>
    public PageInstall Pending;

    /// <summary>The pages of a deferred COPY (null until one is deferred).</summary>
    public byte* PendingPages { get; private set; }

    /// <summary>When the kernel first answered EAGAIN since the last install went through (a Stopwatch timestamp), or 0.</summary>
    public long DeferredSince;

    /// <summary>Faults read while an install was deferred, to serve in order once it is done.</summary>
    public int QueuedCount { get; private set; }

    public bool HasDeferredWork => HasPending || QueuedCount > 0;

    // Page-fault messages read, by kind of fault (duplicates included); their sum is Statistics.Messages.
    public long MissingMessages;
    public long MinorMessages;
    public long WriteProtectMessages;
    public long PagesFilled;
    public long ZeroPages;
    public long PoisonedPages;
    public long WriteFaults;
    public long MinorFaults;
    public long AlreadyPresent;
    public long Retries;
    public long ProviderErrors;

    /// <summary>Write faults whose handler call was repeated because a Protect began while it ran (see ServeWriteProtect).</summary>
    public long Reprotected;

    /// <summary>The buffer for a deferred COPY's pages, allocated on first use (EAGAIN is rare: nothing is kept for it until then).</summary>
    public byte* EnsurePendingPages(int pageSize)
    {
        if (PendingPages == null)
        {
            PendingPages = (byte*)NativeMemory.AlignedAlloc((nuint)pageSize * (nuint)StagingPages, (nuint)Math.Max(pageSize, Environment.SystemPageSize));
        }

        return PendingPages;
    }

    /// <summary>Keeps a fault for later; the queue grows (allocating) only while installs are deferred.</summary>
    public void Queue(in PageFaultEvent fault, long readAt)
    {
        if (QueuedCount == queued.Length)
        {
            int length = Math.Max(16, queued.Length * 2);
            Array.Resize(ref queued, length);
            Array.Resize(ref queuedReadAt, length);
        }

        queuedReadAt[QueuedCount] = readAt;
        queued[QueuedCount++] = fault;
    }

    public PageFaultEvent QueuedFault(int i) => queued[i];

    public long QueuedReadAt(int i) => queuedReadAt[i];

    /// <summary>Drops the first <paramref name="count"/> queued faults (served).</summary>
    public void Dequeue(int count)
    {
        Array.Copy(queued, count, queued, 0, QueuedCount - count);
        Array.Copy(queuedReadAt, count, queuedReadAt, 0, QueuedCount - count);
        QueuedCount -= count;
    }

    public void Dispose()
    {
        byte* pending = PendingPages;
        PendingPages = null;
        if (pending != null)
        {
            NativeMemory.AlignedFree(pending);
        }
    }
}
