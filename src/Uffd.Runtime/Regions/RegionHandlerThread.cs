using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// What one handler thread owns, all allocated before it serves its first fault: the message batch, the staging
/// buffer the provider fills (native, page-aligned, outside the region, so COPY never faults on its own source),
/// the queue of faults read while a resolution waits for events, and its counters (written by this thread only,
/// summed by <see cref="FaultRegionStatistics"/> readers).
/// </summary>
internal sealed unsafe class RegionHandlerThread : IDisposable
{
    /// <summary>Messages per read(2).</summary>
    public const int Batch = 32;

    /// <summary>Faults that can wait while a resolution is retried after EAGAIN.</summary>
    public const int DeferredCapacity = 128;

    public RegionHandlerThread(int index, int cpu, int pageSize, int stagingPages)
    {
        Index = index;
        Cpu = cpu;
        StagingPages = stagingPages;
        Kinds = new PageFill[stagingPages];

        // Last: nothing after it can throw and leave it unfreed.
        Staging = (byte*)NativeMemory.AlignedAlloc((nuint)pageSize * (nuint)stagingPages, (nuint)Math.Max(pageSize, Environment.SystemPageSize));
    }

    public int Index { get; }

    public int Cpu { get; }

    public int StagingPages { get; }

    /// <summary>(1 + ReadAhead) pages: the faulting page first, then the read-ahead pages.</summary>
    public byte* Staging { get; private set; }

    /// <summary>What the provider returned for each staged page.</summary>
    public PageFill[] Kinds { get; }

    public UffdMessage[] Messages { get; } = new UffdMessage[Batch];

    public UffdMessage[] Deferred { get; } = new UffdMessage[DeferredCapacity];

    /// <summary>
    /// When each deferred fault was read (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0 when nobody
    /// listened to the service-time histogram then: its measurement runs from the read, not from the late serve.
    /// </summary>
    public long[] DeferredReadAt { get; } = new long[DeferredCapacity];

    public int DeferredCount;

    public Thread? Thread;

    public readonly ManualResetEventSlim Started = new();

    /// <summary>gettid() of the thread, once started.</summary>
    public int ThreadId;

    /// <summary>0, or the errno of sched_setaffinity.</summary>
    public int PinError;

    /// <summary>
    /// <c>GC.GetAllocatedBytesForCurrentThread()</c> sampled at the end of every loop iteration (after a batch was
    /// served). Between two quiet points the difference is exactly what the handler allocated serving faults.
    /// </summary>
    public long AllocatedBytes;

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

    public void Dispose()
    {
        byte* staging = Staging;
        Staging = null;
        if (staging != null)
        {
            NativeMemory.AlignedFree(staging);
        }

        Started.Dispose();
    }
}
