using System;
using Uffd.Dispatch;
using Uffd.Interop;

namespace Uffd.Regions;

/// <summary>
/// What opening a region takes, acquired one step at a time and recorded as it is, so that when a step fails (out of
/// descriptors, memory, huge pages, a feature) <see cref="Release"/> gives back exactly what the earlier steps took.
/// The engine is built from a complete set; from then on its Dispose releases them.
/// </summary>
/// <remarks>
/// The order puts what cannot be undone cheaply last: the page table first (the one large managed allocation, before
/// any descriptor or mapping exists), then the mapping, the uffd, the shutdown eventfd, the uffd's fdinfo (which
/// Dispose reads, and could not open at the descriptor limit), the pagemap, and the dispatcher: the process's shared
/// one (created with the first region), or a private one when the settings ask for HandlerThreads.
/// </remarks>
internal sealed class RegionResources
{
    public PageStateTable? Pages { get; private set; }

    public UffdMemory? Memory { get; private set; }

    /// <summary>Another process's memory, for a remote region (then <see cref="Memory"/> is null and the uffd is its).</summary>
    public RemoteMemory? Remote { get; private set; }

    public Userfaultfd? Uffd { get; private set; }

    public UffdFdInfoFile? FdInfo { get; private set; }

    /// <summary>Null only when /proc/self/pagemap does not exist and the region does not need it.</summary>
    public Pagemap? Pagemap { get; private set; }

    public FaultDispatcher? Dispatcher { get; private set; }

    /// <summary>The dispatcher is the region's own (HandlerThreads): the region stops it.</summary>
    public bool OwnsDispatcher { get; private set; }

    /// <summary>One per dispatcher thread, by its index (a spare thread's is null until it first pumps the region).</summary>
    public RegionThreadState?[]? States { get; private set; }

    /// <summary>The faulting page and its read-ahead, at most the region's pages.</summary>
    public int StagingPages { get; private set; }

    /// <summary>Acquires everything; on failure releases what it took and rethrows.</summary>
    public static RegionResources Acquire(in FaultRegionSettings settings, RegionMemory kind)
    {
        var acquired = new RegionResources();
        try
        {
            acquired.Pages = PageStateTable.Allocate(settings.Name, settings.Pages);
            acquired.Memory = RegionSetup.Map(kind, settings.Pages, settings.Mode);
            acquired.Uffd = Userfaultfd.Create(
                RegionSetup.Options(settings, kind), settings.Name);
            acquired.FdInfo = acquired.Uffd.OpenFdInfo();
            bool asynchronous = (settings.Mode & FaultMode.WriteProtect) != 0 && settings.WriteTracking == WriteTracking.Asynchronous;
            acquired.Pagemap = OpenPagemap(required: asynchronous);
            acquired.JoinDispatcher(settings);
            return acquired;
        }
        catch
        {
            acquired.Release();
            throw;
        }
    }

    /// <summary>
    /// What serving another process's memory takes: its uffd is the one received (the region's from now on, so a
    /// failure closes it too), and the pagemap is that process's, when this one may read it.
    /// </summary>
    public static RegionResources AcquireRemote(in FaultRegionSettings settings, RemoteMemory remote)
    {
        var acquired = new RegionResources { Remote = remote };
        try
        {
            acquired.Pages = PageStateTable.Allocate(settings.Name, settings.Pages);
            acquired.Uffd = remote.Uffd;
            acquired.FdInfo = remote.Uffd.OpenFdInfo();
            acquired.Pagemap = OpenRemotePagemap(remote.ProcessId);
            acquired.JoinDispatcher(settings);
            return acquired;
        }
        catch
        {
            acquired.Release();
            throw;
        }
    }

    /// <summary>Releases everything acquired, last first. Never throws: it runs while another exception propagates.</summary>
    public void Release()
    {
        if (OwnsDispatcher)
        {
            Dispatcher!.Dispose();
        }

        Pagemap?.Dispose();
        FdInfo?.Dispose();
        Uffd?.Dispose();

        Memory?.Dispose();
    }

    /// <summary>
    /// The remote process's pagemap, to tell a duplicate fault message (the page is present: wake it) from a page a
    /// REMOVE took away; null when the process is unknown or its pagemap may not be read (ptrace access mode): the
    /// engine then refills such a page, and the kernel's EEXIST tells it the page was there.
    /// </summary>
    private static Pagemap? OpenRemotePagemap(int processId)
    {
        if (processId <= 0)
        {
            return null;
        }

        Pagemap pagemap;
        try
        {
            pagemap = Pagemap.Open(processId);
        }
        catch (UffdException)
        {
            return null;
        }

        try
        {
            // Bind pread now, as OpenPagemap does: its first call allocates, and must not do so on a handler thread.
            pagemap.ReadEntry(0);
        }
        catch (UffdException)
        {
            // Page 0 is never mapped; an error here says nothing about the pages served.
        }

        return pagemap;
    }

    private static Pagemap? OpenPagemap(bool required)
    {
        Pagemap pagemap;
        try
        {
            pagemap = Pagemap.OpenSelf();
        }
        catch (UffdException e) when (!required && !Errno.IsOutOfDescriptors(e.Errno))
        {
            // No /proc: the engine does without the check it is for. Out of descriptors is not that: going on
            // would lose the check silently, so it fails Open like any other descriptor.
            return null;
        }

        try
        {
            // Bind pread now, on the opening thread: the first call of a P/Invoke resolves its entry point, which
            // allocates, and the first duplicate message may come long after the handlers reached steady state.
            unsafe
            {
                long local = 0;
                pagemap.ReadEntry((nint)(&local));
            }

            return pagemap;
        }
        catch
        {
            pagemap.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The shared dispatcher, or with HandlerThreads a private one (its threads named after the region), and a state
    /// per pinned dispatcher thread with room for the faulting page and its read-ahead: never more pages than the
    /// region has, since read-ahead stops at its end.
    /// </summary>
    private void JoinDispatcher(in FaultRegionSettings settings)
    {
        if (settings.HandlerThreads > 0)
        {
            Dispatcher = new FaultDispatcher(settings.HandlerThreads, region: settings.Name);
            OwnsDispatcher = true;
        }
        else
        {
            Dispatcher = FaultDispatcher.Shared;
        }

        // Room for the spare threads too; theirs are made when one first pumps the region.
        StagingPages = (int)Math.Min(1L + settings.ReadAhead, settings.Pages);
        var states = new RegionThreadState?[Dispatcher.MaxThreads];
        for (int i = 0; i < Dispatcher.PinnedCount; i++)
        {
            states[i] = new RegionThreadState(StagingPages);
        }

        States = states;
    }
}
