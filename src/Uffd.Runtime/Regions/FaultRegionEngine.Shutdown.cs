using System;
using System.Threading;
using Uffd.Interop;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Serves the faults already waiting, stops the handlers, revokes access, unregisters and unmaps.</summary>
    /// <remarks>
    /// <list type="number">
    /// <item>The handlers keep running until no thread waits on a fault (fdinfo <c>total</c> is 0) and no span lease is
    /// open (at most 10 s).</item>
    /// <item>The shutdown eventfd stops them; they are joined (at most 10 s).</item>
    /// <item>The uffd is disposed: ranges still registered are made PROT_NONE first, so a later access crashes
    /// instead of reading a zero page the kernel would otherwise hand out.</item>
    /// <item>The memory is unmapped, unless a thread was still blocked in a fault when the waits expired: then the
    /// revoked (PROT_NONE) mapping is left in place, so that thread's retry crashes on it rather than touching
    /// whatever mapping could reuse the addresses.</item>
    /// </list>
    /// Calling it again does nothing; other members then throw <see cref="ObjectDisposedException"/> (Settings,
    /// Statistics, LastProviderError, Length, PageSize and PageCount stay readable).
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref state, StateDisposing, StateOpen) != StateOpen)
        {
            return;
        }

        bool drained = WaitUntilQuiet();
        stop.Signal();
        bool joined = true;
        foreach (RegionHandlerThread h in handlers)
        {
            if (h.Thread is { ThreadState: not ThreadState.Unstarted } thread && !thread.Join(JoinTimeout))
            {
                joined = false;
            }
        }

        uffd.Dispose();
        if (joined)
        {
            foreach (RegionHandlerThread h in handlers)
            {
                h.Dispose();
            }

            stop.Dispose();
            pagemap?.Dispose();
        }

        if (drained && joined)
        {
            Unmap();
        }
        else
        {
            // Keep the revoked mapping; only the memfd descriptor goes (the mapping holds the file).
            memory.File?.Dispose();
        }

        Volatile.Write(ref state, StateDisposed);
    }

    /// <summary>
    /// Waits (bounded) until no thread waits on a fault, no Read/Write/Prefault or span population is running and no
    /// span lease is open: a thread just woken from a fault still has to finish its access, and unmapping under it
    /// (or under a lease holder's span) would crash it.
    /// </summary>
    private bool WaitUntilQuiet()
    {
        DateTime deadline = DateTime.UtcNow + DrainTimeout;
        while (Volatile.Read(ref activeAccesses) != 0 || leaseGate.Count != 0 || uffd.ReadFdInfo().Total != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    private void Unmap()
    {
        if (!layout.Changed)
        {
            memory.Dispose();
            return;
        }

        // mremap moved (or munmap dropped) parts of the region: unmap where the pages are now, never the old
        // addresses, which may belong to someone else by now.
        foreach (RegionSegment s in layout.Segments)
        {
            Libc.munmap(s.Start, (nuint)(s.End - s.Start));
        }

        if (memory.AliasAddress != 0)
        {
            Libc.munmap(memory.AliasAddress, (nuint)memory.Length);
        }

        memory.File?.Dispose();
    }
}
