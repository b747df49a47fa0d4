using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Uffd.Dispatch;

namespace Uffd.Regions;

/// <summary>
/// The resolver's asynchronous branch (an asynchronous provider): a fault claims its page and the read-ahead after
/// it, calls <see cref="IFaultRegionCallbacks.FillPagesAsync"/> with a buffer of its <see cref="PageFetch"/>, and is
/// resolved by <see cref="Install"/> when the task completes. A task completed at once is installed on the handler
/// thread, as a synchronous provider's page is (deferred on EAGAIN like any install); one that completes later is
/// installed on the thread that completes it, which retries EAGAIN itself (it is not a handler thread, so waiting
/// for the pumps to read the events blocks nobody). Faults on a page being fetched are dropped by the resolver: the
/// install wakes every thread waiting on the page, so one fetch serves them all.
/// </summary>
public sealed partial class FaultRegionEngine<TCallbacks>
{
    // The asynchronous provider's calls (null for a synchronous provider).
    private readonly FetchPool? fetches;

    /// <summary>Serves a missing or minor fault whose page is claimed, on a handler thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ServeResult ServeAsynchronously(RegionThreadState s, long index, nint page, nint segmentEnd, in PageFaultEvent fault, long readAt, bool minor)
    {
        int limit = minor ? 1 : RunLimit(index, stagingPages);
        var waiting = new WaitingFault(index, page, segmentEnd, in fault, readAt, minor, limit);
        PageFetch? fetch = fetches!.Rent(in waiting, out bool closed);
        if (fetch is null)
        {
            if (closed)
            {
                // Dispose has begun and cancelled the provider: the faulting thread fails instead of waiting.
                AbandonRun(index, page, 1);
            }

            // Otherwise queued: the next fetch to complete takes it over.
            return ServeResult.Served;
        }

        ClaimFetchRun(fetch);
        bool wholeRun = fetch.Count == Math.Min(fetches.CapacityPages, limit);
        ServeResult result = ServeResult.Served;
        if (Call(fetch))
        {
            // Completed at once (a cached page, say): installed here, with no allocation and no thread hop.
            result = Complete(fetch, s, onHandlerThread: true);
            if (fetches.Return(fetch) is { } next)
            {
                RunOnThreadPool(next, start: true);
            }
        }

        if (!minor && wholeRun && limit > fetches.CapacityPages)
        {
            StartReadAheadFetches(index, page, segmentEnd, limit);
        }

        return result;
    }

    /// <summary>
    /// Read-ahead beyond the first fetch (a run of <paramref name="limit"/> pages, more than MaxPagesPerCall): further
    /// fetches of up to MaxPagesPerCall pages each, all in flight at once, for as long as fetches are free and the
    /// pages can be claimed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartReadAheadFetches(long index, nint page, nint segmentEnd, int limit)
    {
        int capacity = fetches!.CapacityPages;
        long end = Math.Min(index + limit, PageCount);
        for (long next = index + capacity; next < end;)
        {
            nint address = page + (nint)((next - index) * pageSize);
            if (address >= segmentEnd || pages.FillState(next) != PageStateTable.Missing)
            {
                return;
            }

            var start = new WaitingFault(next, address, segmentEnd, default, 0, minor: false, limit: capacity);
            if (fetches.RentSpeculative(in start) is not { } fetch)
            {
                return;
            }

            int wanted = (int)Math.Min(capacity, end - next);
            int claimed = ClaimRun(next, address, segmentEnd, wanted, InstallsProtected(index));
            fetch.Count = claimed;
            if (claimed == 0)
            {
                if (fetches.Return(fetch) is { } queued)
                {
                    RunOnThreadPool(queued, start: true);
                }

                return;
            }

            if (Call(fetch))
            {
                // Completed at once, but this is a handler thread with its own fault's install: finish it elsewhere.
                RunOnThreadPool(fetch, start: false);
            }

            if (claimed < wanted)
            {
                return;
            }

            next += wanted;
        }
    }

    /// <summary>Claims the read-ahead after the fetch's faulting page, up to the fetch's capacity (a minor fault: one page).</summary>
    private void ClaimFetchRun(PageFetch fetch)
    {
        ref readonly WaitingFault f = ref fetch.Fault;
        fetch.Count = f.Minor
            ? 1
            : 1 + ClaimRun(f.Index + 1, f.Page + pageSize, f.SegmentEnd, Math.Min(fetches!.CapacityPages, f.Limit) - 1, InstallsProtected(f.Index));
    }

    /// <summary>Calls the provider; true when its task completed at once (else the task's continuation completes the fetch).</summary>
    private unsafe bool Call(PageFetch fetch)
    {
        ref readonly WaitingFault f = ref fetch.Fault;
        Memory<byte> buffer;
        if (f.Minor)
        {
            // The page is in the page cache: the provider sees (and may edit) it in place through the alias.
            buffer = fetch.Target((byte*)(memory!.AliasAddress + (nint)(f.Index * pageSize)), 1, pageSize);
        }
        else
        {
            buffer = fetch.Target(fetch.Buffer, fetch.Count, pageSize);
            if (!settings.ProviderWritesWholePage)
            {
                // The buffer holds the last pages this fetch filled: a provider that writes only part of a page must
                // see zeros elsewhere, as in a fresh page.
                buffer.Span.Clear();
            }
        }

        var context = new PageFaultContext(
            f.Index, pageSize, fetch.Speculative ? f.Page : f.Event.Address, !fetch.Speculative && f.Event.IsWrite,
            fetch.Speculative ? 0 : f.Event.ThreadId, fetch.Speculative, fetch.Count);
        ValueTask<PageFill> task;
        try
        {
            task = callbacks.FillPagesAsync(context, buffer, fetches!.Cancellation.Token);
        }
        catch (Exception e)
        {
            task = ValueTask.FromException<PageFill>(e);
        }

        fetch.Task = task;
        if (task.IsCompleted)
        {
            return true;
        }

        // The continuation may run at once on another thread, which then owns the fetch: nothing touches it after this.
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(fetch.Continuation);
        return false;
    }

    /// <summary>The provider's task completed later, on any thread.</summary>
    private void OnFetchCompleted(PageFetch fetch)
    {
        if (FaultDispatcher.CurrentThreadIsHandler)
        {
            // Completed inside a call on a handler thread (one provider's call completing another's task): a handler
            // must not wait for an install's retries, so the thread pool finishes it.
            RunOnThreadPool(fetch, start: false);
            return;
        }

        CompleteOffHandler(fetch);
    }

    private static void RunOnThreadPool(PageFetch fetch, bool start)
    {
        fetch.StartOnExecute = start;
        ThreadPool.UnsafeQueueUserWorkItem(fetch, preferLocal: false);
    }

    /// <summary>A fetch run by the thread pool: a queued fault to start, or a completed task to install.</summary>
    private void ExecuteFetch(PageFetch fetch)
    {
        if (fetch.StartOnExecute)
        {
            ClaimFetchRun(fetch);
            if (!Call(fetch))
            {
                return;
            }
        }

        CompleteOffHandler(fetch);
    }

    /// <summary>
    /// Installs a completed fetch on a thread that is not a handler, then starts the faults queued behind the bound
    /// in the same fetch, for as long as their tasks complete at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CompleteOffHandler(PageFetch fetch)
    {
        for (PageFetch? next = fetch; next is not null;)
        {
            Complete(next, next.State, onHandlerThread: false);
            next = fetches!.Return(next);
            if (next is not null)
            {
                ClaimFetchRun(next);
                if (!Call(next))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Installs what the provider's task answered, with the counters of <paramref name="s"/>. On a handler thread an
    /// EAGAIN defers, as any install there; elsewhere it is retried here until the pumps have read the events.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe ServeResult Complete(PageFetch fetch, RegionThreadState s, bool onHandlerThread)
    {
        PageFill fill;
        Exception? error = null;
        try
        {
            fill = fetch.Task.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            fill = PageFill.Poison;
            error = e;
        }

        fetch.Task = default;
        error ??= CheckFill(fill);

        try
        {
            ServeResult result = InstallFetched(fetch, s, fill, error);
            for (int attempt = 0; result == ServeResult.Deferred && !onHandlerThread; attempt++)
            {
                BackOff(attempt);
                result = RetryPending(s);
            }

            if (result == ServeResult.Served && !fetch.Speculative)
            {
                Timed(fetch.Fault.Event, fetch.Fault.ReadAt);
            }

            return result;
        }
        catch (ObjectDisposedException) when (IsDisposing)
        {
            // Dispose gave up waiting and closed the uffd: nothing left to install into.
            return ServeResult.Served;
        }
    }

    private unsafe ServeResult InstallFetched(PageFetch fetch, RegionThreadState s, PageFill fill, Exception? error)
    {
        ref readonly WaitingFault f = ref fetch.Fault;
        PageFaultEvent fault = f.Event;
        int count = fetch.Count;
        if (error is not null)
        {
            if (fetches!.IsClosed)
            {
                // Dispose cancelled the call: whoever waits on the pages fails (ObjectDisposedException from an
                // accessor), and no page is left missing under a waiting thread or filled with zeros.
                AbandonRun(f.Index, f.Page, count);
                return ServeResult.Served;
            }

            if (fetch.Speculative)
            {
                // Nobody asked for these pages yet: a touch asks again and applies the error policy then.
                RecordProviderError(s, error);
                ReleaseClaims(f.Index, f.Page, 0, count);
                return ServeResult.Served;
            }

            // The policy is for the faulting page; the read-ahead is asked again when touched.
            ReleaseClaims(f.Index, f.Page, 1, count);
            count = 1;
        }

        bool gated = EnterInstall();
        try
        {
            bool protect = InstallsProtected(f.Index);
            if (error is not null)
            {
                return OnProviderError(s, fetch.Buffer, f.Index, f.Page, error, f.Minor, protect, in fault, f.ReadAt);
            }

            if (fill == PageFill.Poison)
            {
                var poison = new PageInstall(InstallKind.Poison, f.Index, f.Page, count, protect: false, in fault, f.ReadAt);
                return Install(s, ref poison, null);
            }

            if (f.Minor)
            {
                if (fill == PageFill.Zero)
                {
                    AliasPage(f.Index).Clear();
                }

                var map = new PageInstall(InstallKind.Continue, f.Index, f.Page, 1, protect, in fault, f.ReadAt);
                return Install(s, ref map, null);
            }

            if (fill == PageFill.Zero)
            {
                return InstallZero(s, fetch.Buffer, f.Index, f.Page, count, protect, in fault, f.ReadAt);
            }

            s.Kinds.AsSpan(0, count).Fill(PageFill.Filled);
            var copy = new PageInstall(InstallKind.Copy, f.Index, f.Page, KeepSameProtection(f.Index, f.Page, count, protect), protect, in fault, f.ReadAt);
            return Install(s, ref copy, fetch.Buffer);
        }
        finally
        {
            ExitInstall(gated);
        }
    }

    /// <summary>
    /// Dispose: poisons claimed pages nobody will fill (UFFDIO_POISON wakes their waiters, whose access then fails), or,
    /// if the kernel refuses, releases and wakes them. Errors are ignored: the region is going away.
    /// </summary>
    private void AbandonRun(long index, nint page, int count)
    {
        long length = (long)count * pageSize;
        try
        {
            if (remote is not null)
            {
                // Another process's pages are left missing: its threads wait for the next handler it sends the uffd to.
                ReleaseClaims(index, page, 0, count);
                return;
            }

            UffdResult result = default;
            for (int attempt = 0; attempt < MaxRetryAttempts; attempt++)
            {
                result = uffd.Poison(page, length);
                if (result.Outcome != UffdOutcome.RetryAfterEvents)
                {
                    break;
                }

                BackOff(attempt);
            }

            if (result.Outcome == UffdOutcome.Done)
            {
                pages.Finish(index, count, installed: true, poisoned: true);
            }
            else
            {
                ReleaseClaims(index, page, 0, count);
            }
        }
        catch (ObjectDisposedException)
        {
            // The uffd is closed: its waiters were woken by the close.
        }
    }

    /// <summary>Dispose, first step: no fetch starts any more, the provider's calls are cancelled, and the queued faults fail.</summary>
    private void CloseFetches()
    {
        if (fetches is null)
        {
            return;
        }

        foreach (WaitingFault queued in fetches.Close())
        {
            AbandonRun(queued.Index, queued.Page, 1);
        }
    }
}
