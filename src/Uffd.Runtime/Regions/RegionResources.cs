using System;
using System.Collections.Generic;
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
/// Dispose reads, and could not open at the descriptor limit), the pagemap, and the handlers' native buffers.
/// Handler threads start only in the engine's Start, whose failure is undone by Dispose.
/// </remarks>
internal sealed class RegionResources
{
    public PageStateTable? Pages { get; private set; }

    public UffdMemory? Memory { get; private set; }

    public Userfaultfd? Uffd { get; private set; }

    public UffdShutdownSignal? Stop { get; private set; }

    public UffdFdInfoFile? FdInfo { get; private set; }

    /// <summary>Null only when /proc/self/pagemap does not exist and the region does not need it.</summary>
    public Pagemap? Pagemap { get; private set; }

    public List<RegionHandlerThread> Handlers { get; } = new();

    /// <summary>Acquires everything; on failure releases what it took and rethrows.</summary>
    public static RegionResources Acquire(in FaultRegionSettings settings, RegionMemory kind)
    {
        var acquired = new RegionResources();
        try
        {
            acquired.Pages = PageStateTable.Allocate(settings.Name, settings.Pages);
            acquired.Memory = RegionSetup.Map(kind, settings.Pages, settings.Mode);
            acquired.Uffd = Userfaultfd.Create(
                RegionSetup.Options(settings.Mode, kind, settings.WriteTracking, settings.UserModeOnly), settings.Name);
            acquired.Stop = new UffdShutdownSignal();
            acquired.FdInfo = acquired.Uffd.OpenFdInfo();
            bool asynchronous = (settings.Mode & FaultMode.WriteProtect) != 0 && settings.WriteTracking == WriteTracking.Asynchronous;
            acquired.Pagemap = OpenPagemap(required: asynchronous);
            acquired.CreateHandlers(settings, acquired.Memory.PageSize);
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
        for (int i = Handlers.Count - 1; i >= 0; i--)
        {
            Handlers[i].Dispose();
        }

        Handlers.Clear();
        Pagemap?.Dispose();
        FdInfo?.Dispose();
        Stop?.Dispose();
        Uffd?.Dispose();
        Memory?.Dispose();
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
    /// One handler per thread asked for (one per CPU by default), each pinned round-robin to an allowed CPU, with a
    /// staging buffer for the faulting page and its read-ahead: never more pages than the region has, since
    /// read-ahead stops at its end.
    /// </summary>
    private void CreateHandlers(in FaultRegionSettings settings, int pageSize)
    {
        int count = settings.HandlerThreads > 0 ? settings.HandlerThreads : Environment.ProcessorCount;
        int stagingPages = (int)Math.Min(1L + settings.ReadAhead, settings.Pages);
        int[] cpus = CpuAffinity.AllowedCpus();
        try
        {
            for (int i = 0; i < count; i++)
            {
                Handlers.Add(new RegionHandlerThread(i, cpus[i % cpus.Length], pageSize, stagingPages));
            }
        }
        catch (OutOfMemoryException e)
        {
            long bytes = (long)count * stagingPages * pageSize;
            throw new InsufficientMemoryException(
                $"Region '{settings.Name}': the staging buffers of {count} handler threads, {stagingPages} pages each " +
                $"(1 + ReadAhead), need {bytes} bytes ({UffdLimits.Bytes(bytes)}) of native memory, which could not be " +
                "allocated. Lower HandlerThreads or ReadAhead.", e);
        }
    }
}
