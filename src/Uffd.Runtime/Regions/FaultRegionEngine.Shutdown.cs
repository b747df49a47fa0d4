using System;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>How long Dispose waits for the region to be quiet; settable for the test of what a timeout keeps.</summary>
    internal static TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Serves the faults already waiting, leaves the dispatcher, revokes access, unregisters and unmaps.</summary>
    /// <remarks>
    /// <list type="number">
    /// <item>The dispatcher keeps serving the region until no thread waits on a fault (fdinfo <c>total</c> is 0) and
    /// no span lease is open (at most 10 s).</item>
    /// <item>The region leaves the dispatcher: once no dispatcher thread is inside its pump (at most 10 s), none enters
    /// it again. Other regions are not disturbed; a private dispatcher (HandlerThreads) is stopped and joined.</item>
    /// <item>Access to the region's pages is revoked (PROT_NONE), so a later access crashes instead of reading a zero
    /// page the kernel would otherwise hand out, and they are unregistered; the uffd is disposed (had the waits
    /// expired, its own close revokes what is still registered).</item>
    /// <item>The memory is unmapped, unless a thread was still blocked in a fault when the waits expired: then the
    /// revoked (PROT_NONE) mapping is left in place, so that thread's retry crashes on it rather than touching
    /// whatever mapping could reuse the addresses.</item>
    /// </list>
    /// Calling it again does nothing; other members then throw <see cref="ObjectDisposedException"/> (Settings,
    /// Statistics, LastProviderError, Length, PageSize and PageCount stay readable). It never throws, and needs no
    /// new descriptor, so it also works for a process at its descriptor limit. The
    /// <see cref="FaultRegionMetrics.MeterName"/> meter stops reading the region and drops it; its final counts stay
    /// in the totals the meter reports for its name.
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref state, StateDisposing, StateOpen) != StateOpen)
        {
            return;
        }

        // An asynchronous provider's calls are cancelled first: a fault waiting on one fails instead of holding Dispose.
        CloseFetches();
        bool drained = WaitUntilQuiet();

        // Before the uffd closes: the dispatcher deletes it from its epoll sets by number.
        bool left = LeaveDispatcher();
        if (drained && left && remote is null)
        {
            RevokeOwnRanges();
        }

        // No pump runs any more, so no fork is added after this.
        EndRemote();

        // A pump still inside (a provider that hangs) fails its next ioctl with ObjectDisposedException and returns.
        uffd.Dispose();
        fdInfo.Dispose();
        if (left)
        {
            foreach (RegionThreadState? s in states)
            {
                s?.Dispose();
            }

            pagemap?.Dispose();
        }

        // Idle fetches go now; one still outstanding (a provider that ignores cancellation) frees its own buffer when
        // its task ends, since the provider may still be writing into it.
        fetches?.Free();

        if (ownsDispatcher)
        {
            dispatcher.Dispose();
        }

        if (memory is null)
        {
            // A remote region's memory is its process's: nothing here to unmap.
        }
        else if (drained && left)
        {
            Unmap();
        }
        else
        {
            // Keep the revoked mapping, for good: the memory's finalizer must not unmap it either. Only the memfd
            // descriptor goes (the mapping holds the file).
            memory.DisposeKeepingMappings();
        }

        // Last: no pump runs any more, so the counts the meter keeps for the region's name are final.
        RegionMetricsRegistry.Remove(this);
        Volatile.Write(ref state, StateDisposed);
        ended.TrySetResult();
    }

    /// <summary>
    /// Removes the region from the dispatcher; true once no dispatcher thread is inside its pump (or it never joined).
    /// False when one still is after the timeout (a provider that hangs), or when Dispose runs inside the region's
    /// own pump (a provider disposing its region): what the pump uses is then kept.
    /// </summary>
    private bool LeaveDispatcher()
    {
        if (!registration.IsValid)
        {
            return true;
        }

        try
        {
            return dispatcher.TryRemove(registration, JoinTimeout);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits (bounded) until no thread waits on a fault, no Read/Write/Prefault or span population is running, no
    /// span lease is open and no asynchronous provider call is outstanding: a thread just woken from a fault still has
    /// to finish its access, and unmapping under it (or under a lease holder's span) would crash it.
    /// </summary>
    private bool WaitUntilQuiet()
    {
        DateTime deadline = DateTime.UtcNow + DrainTimeout;
        while (Volatile.Read(ref activeAccesses) != 0 || leaseGate.Count != 0 || fetches?.InFlight > 0 || !NoThreadWaitsInAFault())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    /// <summary>
    /// fdinfo's <c>total</c> is the only evidence that no thread waits in a fault: raw pointers and system calls reach
    /// the region without counting as accesses. It is read through the descriptor opened at Open, so Dispose needs no
    /// new one (opening the file here failed at the fd limit, and Dispose threw). Should the read fail all the same,
    /// "cannot tell" counts as "a thread may be waiting": the wait then runs out and the revoked mapping is left in
    /// place, which costs address space but never unmaps memory under a thread that is about to touch it.
    /// </summary>
    private bool NoThreadWaitsInAFault()
    {
        try
        {
            return fdInfo.Read().Total == 0;
        }
        catch (UffdException)
        {
            return false;
        }
    }

    /// <summary>
    /// Revokes access to the region's pages (PROT_NONE, so a stray access crashes instead of reading a zero page) and
    /// unregisters them, where they are now: the REMAP and UNMAP events keep the layout exact, so the engine needs no
    /// check that the ranges are still its own. The uffd then has nothing left to revoke on close, where its generic
    /// check reads the whole of /proc/self/smaps: that file grows with every region and thread, which made disposing
    /// n regions cost O(n²). Any step that fails leaves the rest to the uffd's own check.
    /// </summary>
    private void RevokeOwnRanges()
    {
        foreach (RegionSegment s in layout.Segments)
        {
            long length = s.End - s.Start;
            if (Libc.mprotect(s.Start, (nuint)length, Libc.PROT_NONE) != 0)
            {
                return;
            }

            try
            {
                uffd.Unregister(s.Start, length);
            }
            catch (Exception e) when (e is UffdException or ArgumentException)
            {
                return;
            }
        }
    }

    private void Unmap()
    {
        if (!layout.Changed)
        {
            memory!.Dispose();
            return;
        }

        // mremap moved (or munmap dropped) parts of the region: unmap where the pages are now, never the old
        // addresses, which may belong to someone else by now; the memory gives up its view without unmapping it
        // (neither now nor in its finalizer), unmaps the alias and closes the memfd.
        foreach (RegionSegment s in layout.Segments)
        {
            Libc.munmap(s.Start, (nuint)(s.End - s.Start));
        }

        memory!.DisposeMovedView();
    }
}
