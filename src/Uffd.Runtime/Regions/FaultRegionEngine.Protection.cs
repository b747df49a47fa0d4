using System;
using System.Collections.Generic;
using System.Threading;
using Uffd.Dispatch;
using Uffd.Interop;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>How long a Protect waits for the span leases over the region to end before it gives up (tests shorten it).</summary>
    internal static TimeSpan LeaseWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Protected pages unprotected by one ioctl when a lease makes them writable.</summary>
    private const int UnprotectBatch = 64;

    /// <summary>Runs of written pages read per PAGEMAP_SCAN.</summary>
    private const int ScanBatch = 64;

    private readonly SpanLeaseGate leaseGate = new();

    /// <summary>The gate between Protect and span leases, for tests.</summary>
    internal SpanLeaseGate LeaseGate => leaseGate;

    // Serializes Protect and Unprotect: a Protect holds the lease gate for the length of its ioctl.
    private readonly object protectionLock = new();

    // Synchronous tracking: a Protect or Unprotect (exclusive) against the handlers' unprotects and writable fills
    // (shared), so that no handler undoes a protection that began after it looked (see ProtectionGate).
    private readonly ProtectionGate protectionGate = new();

    // Write-handler calls made on the caller's thread for leases and write prefaults, and the exceptions they threw:
    // counted with the handler threads' WriteFaults and ProviderErrors.
    private long leaseWriteUnprotects;
    private long leaseWriteHandlerErrors;

    /// <summary>
    /// Write-protects pages. Synchronous tracking: the next write to each calls the write handler; the call waits
    /// (at most 10 s) until no span lease over the region is open, and keeps new ones from opening while it protects.
    /// Asynchronous tracking: the pages count as clean again until the next write.
    /// </summary>
    /// <remarks>
    /// Exact: a write that begins after Protect returns reaches the write handler (or the next
    /// <see cref="CollectWrittenPages(Span{PageRange})"/>) in this epoch or a later one, even when a write handler of the
    /// previous epoch is still running: that handler is then called again once it finishes, for the new epoch.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// The region has no WriteProtect, or this thread holds a span lease over it (the Protect would wait for itself),
    /// or part of the range was unmapped (munmap; nothing was changed).
    /// </exception>
    /// <exception cref="TimeoutException">Span leases stayed open for 10 s (one was probably never disposed).</exception>
    /// <exception cref="UffdException">The kernel refused the protection.</exception>
    public void Protect(long firstPage, long pageCount)
    {
        CheckPages(firstPage, pageCount);
        RequireWriteProtect(nameof(Protect));
        if (asynchronousWriteProtect)
        {
            // Writes never wait here, so there is nothing to keep apart: protect and let writers carry on.
            ChangeKernelProtection(firstPage, pageCount, protect: true);
            return;
        }

        if (leaseGate.IsHeldByCurrentThread)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}': Protect({firstPage}, {pageCount}) was called by a thread that holds a span lease over the region; " +
                "a Protect waits for every lease to end, so dispose the lease first.");
        }

        lock (protectionLock)
        {
            if (!leaseGate.TryEnterExclusive(LeaseWaitTimeout))
            {
                throw new TimeoutException(
                    $"Region '{settings.Name}': Protect({firstPage}, {pageCount}) waited {LeaseWaitTimeout.TotalSeconds} s for {leaseGate.Count} span lease(s) to end. " +
                    "Dispose every lease from LeaseSpan (a using statement) as soon as the writes through it are done.");
            }

            try
            {
                ChangeKernelProtection(firstPage, pageCount, protect: true, exclusive: true);
            }
            finally
            {
                leaseGate.ExitExclusive();
            }
        }
    }

    /// <summary>
    /// Removes write protection from pages without calling the write handler (with asynchronous tracking the pages
    /// then count as written).
    /// </summary>
    public void Unprotect(long firstPage, long pageCount)
    {
        CheckPages(firstPage, pageCount);
        RequireWriteProtect(nameof(Unprotect));
        lock (protectionLock)
        {
            Span<int> before = stackalloc int[UnprotectBatch];
            for (long first = firstPage; first < firstPage + pageCount; first += UnprotectBatch)
            {
                int count = (int)Math.Min(UnprotectBatch, firstPage + pageCount - first);
                UnprotectRun(first, before[..count], callWriteHandler: false, exclusive: synchronousWriteProtect);
            }
        }
    }

    /// <summary>
    /// Asynchronous tracking: the runs of pages written since they were last collected (or protected, or since
    /// Open), write-protected again in the same walk, so a write that lands after its page was collected is
    /// reported by a later call, never lost. Fills <paramref name="destination"/> in page order and returns how many
    /// runs it wrote; when it is full, call again for the rest. Allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The region does not use <see cref="WriteTracking.Asynchronous"/>.</exception>
    public int CollectWrittenPages(Span<PageRange> destination)
    {
        ThrowIfDisposed();
        if (!asynchronousWriteProtect)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}' does not track writes asynchronously: CollectWrittenPages needs Mode with WriteProtect and WriteTracking = Asynchronous.");
        }

        if (destination.IsEmpty)
        {
            return 0;
        }

        // A scan never waits in a fault: no spare thread is needed, even on a dispatcher thread.
        DispatcherThread? waiter = EnterAccess(mayWaitInFault: false);
        try
        {
            Span<PageRegion> vector = stackalloc PageRegion[ScanBatch];
            int filled = 0;
            foreach (RegionSegment segment in layout.Segments)
            {
                for (nint cursor = segment.Start; cursor < segment.End && filled < destination.Length;)
                {
                    int room = Math.Min(vector.Length, destination.Length - filled);
                    int found = pagemap!.CollectWritten(cursor, segment.End, vector[..room], out nint walkEnd);
                    for (int i = 0; i < found; i++)
                    {
                        long first = segment.FirstPage + (vector[i].Start - segment.Start) / pageSize;
                        long count = vector[i].Length / pageSize;
                        if (filled > 0 && destination[filled - 1].EndPage == first)
                        {
                            // The scan was cut by a full vector in the middle of a run: join its two halves.
                            destination[filled - 1] = destination[filled - 1] with { Count = destination[filled - 1].Count + count };
                        }
                        else
                        {
                            destination[filled++] = new PageRange(first, count);
                        }
                    }

                    if (found < room || walkEnd <= cursor)
                    {
                        break;
                    }

                    cursor = walkEnd;
                }

                if (filled == destination.Length)
                {
                    break;
                }
            }

            return filled;
        }
        finally
        {
            ExitAccess(waiter);
        }
    }

    /// <summary>All the runs of <see cref="CollectWrittenPages(Span{PageRange})"/>, in one list.</summary>
    public IReadOnlyList<PageRange> CollectWrittenPages()
    {
        var runs = new List<PageRange>();
        Span<PageRange> batch = stackalloc PageRange[ScanBatch];
        int found;
        do
        {
            found = CollectWrittenPages(batch);
            foreach (PageRange run in batch[..found])
            {
                if (runs.Count > 0 && runs[^1].EndPage == run.FirstPage)
                {
                    runs[^1] = runs[^1] with { Count = runs[^1].Count + run.Count };
                }
                else
                {
                    runs.Add(run);
                }
            }
        }
        while (found == batch.Length);

        return runs;
    }

    /// <summary>
    /// Synchronous tracking, for a lease or a write prefault (the caller holds the lease gate): calls the write
    /// handler for every page of the byte range the table calls protected, then unprotects them, on this thread.
    /// </summary>
    private void EnsureWritable(long offset, long length)
    {
        long page = offset / pageSize, last = (offset + length - 1) / pageSize;
        Span<int> before = stackalloc int[UnprotectBatch];
        while (page <= last)
        {
            if (!PageStateTable.IsProtectedState(pages.Read(page)))
            {
                page++;
                continue;
            }

            // The run starts with the page just found protected, without reading it again: another lease or write
            // prefault may clear its bit meanwhile, and a second read would then make an empty run (an empty
            // UFFDIO_WRITEPROTECT, which throws). Unprotecting it anyway costs one spare write-handler call.
            long first = page++;
            int count = 1;
            while (page <= last && count < UnprotectBatch && PageStateTable.IsProtectedState(pages.Read(page)))
            {
                count++;
                page++;
            }

            UnprotectRun(first, before[..count], callWriteHandler: true, exclusive: false);
        }
    }

    /// <summary>
    /// Unprotects <paramref name="before"/>.Length pages from <paramref name="first"/> with one ioctl, optionally
    /// calling the write handler for each first, and clears their protected bits unless a protection began meanwhile.
    /// A lease or write prefault needs no <see cref="protectionGate"/>: it holds the lease gate, which keeps every
    /// Protect out; the public Unprotect takes the gate exclusively (<paramref name="exclusive"/>).
    /// </summary>
    private void UnprotectRun(long first, Span<int> before, bool callWriteHandler, bool exclusive)
    {
        for (int k = 0; k < before.Length; k++)
        {
            // Read before the ioctl: a Protect that starts after this read keeps the bit set (see PageStateTable).
            before[k] = pages.Read(first + k);
        }

        if (callWriteHandler)
        {
            for (int k = 0; k < before.Length; k++)
            {
                CallWriteHandlerOnCaller(first + k);
            }
        }

        ChangeKernelProtection(first, before.Length, protect: false, exclusive);
        for (int k = 0; k < before.Length; k++)
        {
            pages.TryClearProtected(first + k, before[k]);
        }
    }

    /// <summary>The write handler, called on the thread about to write (a lease), with the region's error policy.</summary>
    private void CallWriteHandlerOnCaller(long index)
    {
        Interlocked.Increment(ref leaseWriteUnprotects);
        var context = new PageFaultContext(
            index, pageSize, PagesAt(index, 1, "The write handler").Address, isWrite: true, CallerThreadId, isReadAhead: false);
        if (!TryCallWriteHandler(in context, during: " while a span lease made it writable"))
        {
            Interlocked.Increment(ref leaseWriteHandlerErrors);
        }
    }

    /// <summary>
    /// Calls the write handler under the region's error policy. FailFast ends the process, naming the page; ZeroFill
    /// and Poison record the exception (<see cref="LastProviderError"/>) and the write still goes ahead (the caller
    /// unprotects the page next). False when the handler threw; the caller counts the error on its own counter.
    /// </summary>
    private bool TryCallWriteHandler(in PageFaultContext context, string during)
    {
        try
        {
            callbacks.OnWriteFault(in context);
            return true;
        }
        catch (Exception e)
        {
            Volatile.Write(ref lastProviderError, e);
            if (settings.OnProviderError == ProviderErrorPolicy.FailFast)
            {
                Environment.FailFast(
                    $"uffd region '{settings.Name}': the write handler threw for page {context.PageIndex} (offset {context.PageIndex * pageSize}){during}; " +
                    $"OnProviderError is FailFast. {e.GetType().FullName}: {e.Message}", e);
            }

            return false;
        }
    }

    /// <summary>The calling thread's kernel id, for the write handler's context: one gettid per thread, not per lease.</summary>
    private static int CallerThreadId => threadId != 0 ? threadId : threadId = Libc.gettid();

    [ThreadStatic]
    private static int threadId;

    private void MarkProtected(long firstPage, long pageCount)
    {
        for (long p = firstPage; p < firstPage + pageCount; p++)
        {
            pages.MarkProtected(p);
        }
    }

    /// <summary>
    /// UFFDIO_WRITEPROTECT over whole pages (one per piece, where an mremap split the region), retried while events
    /// are pending. A protection marks the pages first (see <see cref="PageStateTable.MarkProtected"/>). With
    /// <paramref name="exclusive"/>, each attempt holds <see cref="protectionGate"/> exclusively across the marking
    /// and the ioctl, and lets it go while it backs off, since the handlers it keeps out may be the ones that have to
    /// read the pending events.
    /// </summary>
    private void ChangeKernelProtection(long firstPage, long pageCount, bool protect, bool exclusive = false)
    {
        // All or nothing: a range that reaches an unmapped page fails before any piece of it changes.
        ThrowIfUnmapped(firstPage * pageSize, pageCount * pageSize, protect ? nameof(Protect) : nameof(Unprotect));
        for (long first = firstPage; first < firstPage + pageCount;)
        {
            (nint start, long run) = PagesAt(first, firstPage + pageCount - first, protect ? nameof(Protect) : nameof(Unprotect));
            ChangeKernelProtectionOfPiece(first, run, start, protect, exclusive);
            first += run;
        }
    }

    private void ChangeKernelProtectionOfPiece(long firstPage, long pageCount, nint start, bool protect, bool exclusive)
    {
        long length = pageCount * pageSize;
        for (int attempt = 0; ; attempt++)
        {
            UffdResult result;
            if (exclusive)
            {
                protectionGate.EnterExclusive();
            }

            try
            {
                if (protect)
                {
                    MarkProtected(firstPage, pageCount);
                }

                result = protect ? uffd.WriteProtect(start, length) : uffd.RemoveWriteProtection(start, length);
            }
            finally
            {
                if (exclusive)
                {
                    protectionGate.ExitExclusive();
                }
            }

            if (result.IsDone)
            {
                return;
            }

            if (result.Outcome != UffdOutcome.RetryAfterEvents || attempt >= MaxRetryAttempts)
            {
                throw new UffdException(
                    $"Region '{settings.Name}': UFFDIO_WRITEPROTECT ({(protect ? "protect" : "unprotect")}) of pages [{firstPage}, {firstPage + pageCount}) failed: {result}.",
                    result.Errno);
            }

            BackOff(attempt);
        }
    }

    private void RequireWriteProtect(string operation)
    {
        if (!writeProtectMode)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}' serves {settings.Mode} faults; {operation} needs FaultMode.WriteProtect.");
        }
    }
}
