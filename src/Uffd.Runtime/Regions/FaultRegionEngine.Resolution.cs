using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>EAGAIN retries of one resolution before the engine gives up (about 10 s with the back-off).</summary>
    private const int MaxRetryAttempts = 10_000;

    /// <summary>The single-page resolutions (multi-page COPY has its own loop).</summary>
    private enum Resolution
    {
        Copy,
        ZeroPage,
        Poison,
        Continue,
        RemoveWriteProtection,
    }

    /// <summary>Serves one page-fault message; false for the warm-up fault, which is neither counted nor timed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe bool ServeFault(RegionHandlerThread h, PageFaultEvent fault)
    {
        nint warmup = Volatile.Read(ref warmupPage);
        if (warmup != 0 && fault.Address >= warmup && fault.Address < warmup + Environment.SystemPageSize)
        {
            new Span<byte>(h.Staging, Environment.SystemPageSize).Fill(WarmupByte);
            UffdResult result = uffd.Copy(warmup, (nint)h.Staging, Environment.SystemPageSize);
            if (result.Outcome == UffdOutcome.AlreadyPresent)
            {
                uffd.Wake(warmup, Environment.SystemPageSize);
            }

            return false;
        }

        // One increment per message, as ever, on the counter of its kind (what the meter reports by kind).
        if (fault.IsWriteProtect)
        {
            h.WriteProtectMessages++;
        }
        else if (fault.IsMinor)
        {
            h.MinorMessages++;
        }
        else
        {
            h.MissingMessages++;
        }

        if (!layout.TryFind(fault.Address, out long index, out nint page, out nint segmentEnd))
        {
            ServeUnattributed(h, fault);
            return true;
        }

        if (fault.IsWriteProtect)
        {
            ServeWriteProtect(h, index, page, fault);
        }
        else if (fault.IsMinor)
        {
            ServeMinor(h, index, page, fault);
        }
        else
        {
            ServeMissing(h, index, page, segmentEnd, fault);
        }

        return true;
    }

    /// <summary>
    /// A page the handler cannot claim: being filled by another handler (whose resolution wakes every waiter on the
    /// page, so this message is dropped), or already present (wake it: cheap, and robust if someone installed it
    /// without waking). A fill a REMOVE overtook is woken too; the thread faults again until the fill settles.
    /// </summary>
    private void AnswerUnclaimed(RegionHandlerThread h, nint page, int observed)
    {
        if (observed == PageStateTable.Filling)
        {
            return;
        }

        h.AlreadyPresent++;
        uffd.Wake(page, pageSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ServeMissing(RegionHandlerThread h, long index, nint page, nint segmentEnd, PageFaultEvent fault)
    {
        if (!pages.TryClaim(index, out int observed))
        {
            if (observed != PageStateTable.Present || IsMapped(page) || !pages.TryReclaimLost(index))
            {
                AnswerUnclaimed(h, page, observed);
                return;
            }

            // The table said present but the page is gone (a COPY the kernel zapped right after a REMOVE): refill it.
        }

        var context = new PageFaultContext(index, pageSize, fault.Address, fault.IsWrite, fault.ThreadId, isReadAhead: false);
        var staged = new Span<byte>(h.Staging, pageSize);

        // The staging buffer still holds the last page this handler filled: a provider that writes only part of the
        // page must see zeros elsewhere, as in a fresh page, never another page's bytes (unless it said it writes all).
        if (!settings.ProviderWritesWholePage)
        {
            staged.Clear();
        }

        bool filled = TryFill(in context, staged, out PageFill fill, out Exception? error);
        int count = 1;
        if (filled && fill == PageFill.Filled)
        {
            // Read-ahead groups pages of one protection; the install below checks the grouping again under the gate.
            h.Kinds[0] = PageFill.Filled;
            count += StageReadAhead(h, index, page, segmentEnd, InstallsProtected(index));
        }

        bool gated = EnterInstall();
        try
        {
            // Install protected with ProtectOnFill, or when the page is protected (so the fill keeps the protection).
            bool protect = InstallsProtected(index);
            if (!filled)
            {
                OnProviderError(h, index, page, error!, minor: false, protect);
                return;
            }

            switch (fill)
            {
                case PageFill.Zero:
                    ResolveZero(h, index, page, protect);
                    return;
                case PageFill.Poison:
                    Resolve(h, Resolution.Poison, index, page, protect: false);
                    return;
            }

            CopyStaged(h, index, page, KeepSameProtection(index, count, protect), protect);
        }
        finally
        {
            ExitInstall(gated);
        }
    }

    /// <summary>Whether a fill of the page installs write-protected: always with ProtectOnFill, else when the page is protected.</summary>
    private bool InstallsProtected(long index) => writeProtectMode && (protectOnFill || pages.IsProtected(index));

    /// <summary>
    /// Synchronous tracking without ProtectOnFill: a fill decides whether it installs protected and installs inside
    /// <see cref="protectionGate"/>, or a Protect that ran between the two would be lost to a writable install.
    /// </summary>
    private bool EnterInstall()
    {
        if (!synchronousWriteProtect || protectOnFill)
        {
            return false;
        }

        protectionGate.EnterShared();
        return true;
    }

    private void ExitInstall(bool gated)
    {
        if (gated)
        {
            protectionGate.ExitShared();
        }
    }

    /// <summary>
    /// How many of the <paramref name="count"/> staged pages install like the first (one COPY has one mode): a
    /// Protect between staging and install may have changed a read-ahead page. The rest are released, still missing.
    /// </summary>
    private int KeepSameProtection(long index, int count, bool protect)
    {
        if (!writeProtectMode || protectOnFill)
        {
            return count;
        }

        for (int k = 1; k < count; k++)
        {
            if (pages.IsProtected(index + k) != protect)
            {
                for (int j = k; j < count; j++)
                {
                    pages.Finish(index + j, installed: false);
                }

                return k;
            }
        }

        return count;
    }

    /// <summary>
    /// Claims and fills up to ReadAhead pages after the faulting one, into the staging buffer after it. Stops at the
    /// region's (segment's) end, at the first page it cannot claim (present, or being filled), at a page whose
    /// protection differs (one COPY has one mode), and at a page the provider poisons or fails on (that page and the
    /// rest stay missing; a later touch asks the provider again and applies the error policy then).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe int StageReadAhead(RegionHandlerThread h, long index, nint page, nint segmentEnd, bool protect)
    {
        int staged = 0;
        for (int k = 1; k < h.StagingPages; k++)
        {
            long next = index + k;
            nint address = page + (nint)((long)k * pageSize);
            if (next >= PageCount || address >= segmentEnd)
            {
                break;
            }

            if (writeProtectMode && !protectOnFill && pages.IsProtected(next) != protect)
            {
                break;
            }

            if (!pages.TryClaim(next, out _))
            {
                break;
            }

            var context = new PageFaultContext(next, pageSize, address, isWrite: false, threadId: 0, isReadAhead: true);
            var buffer = new Span<byte>(h.Staging + (long)k * pageSize, pageSize);
            if (!settings.ProviderWritesWholePage)
            {
                buffer.Clear();
            }

            if (!TryFill(in context, buffer, out PageFill fill, out Exception? error))
            {
                h.ProviderErrors++;
                Volatile.Write(ref lastProviderError, error);
                pages.Finish(next, installed: false);
                break;
            }

            if (fill == PageFill.Poison)
            {
                pages.Finish(next, installed: false);
                break;
            }

            if (fill == PageFill.Zero)
            {
                buffer.Clear();
            }

            h.Kinds[k] = fill;
            staged++;
        }

        return staged;
    }

    /// <summary>
    /// One COPY of <paramref name="count"/> staged pages. A partial copy means a later page became present: what was
    /// installed stays, that page is marked present and woken, and the copy continues after it, so every claimed page
    /// ends resolved (or released, if the range went away). Several pages (read-ahead) are copied without waking,
    /// marked present, and only then woken: a span over the read-ahead pages, asked for right after the faulting
    /// thread wakes, then finds them present in the table instead of asking the kernel again (the woken thread often
    /// runs on this handler's CPU before this handler could mark them).
    /// </summary>
    /// <remarks>
    /// The pages are counted before the COPY that wakes the faulting thread, so a thread that has just read a page
    /// sees it in <see cref="Statistics"/>. The rare pages the COPY did not install (present already, range gone) are
    /// uncounted afterwards: counters may run ahead of the kernel for a moment, never behind a woken thread.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void CopyStaged(RegionHandlerThread h, long index, nint page, int count, bool protect)
    {
        CopyMode mode = (protect ? CopyMode.WriteProtect : CopyMode.None) | (count > 1 ? CopyMode.DontWake : CopyMode.None);
        if (protect)
        {
            // Before the COPY: it wakes the faulting thread, which must find the pages protected in the table (a lease
            // that found them unprotected would skip its unprotect, and its write would fault in managed code).
            MarkProtected(index, count);
        }

        CountFills(h, 0, count, +1);
        int done = 0;
        int attempt = 0;
        while (done < count)
        {
            nint destination = page + (nint)((long)done * pageSize);
            UffdResult result = uffd.Copy(destination, (nint)(h.Staging + (long)done * pageSize), (long)(count - done) * pageSize, mode);
            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                    Installed(index, done, count - done);
                    done = count;
                    break;
                case UffdOutcome.Partial:
                    int copied = (int)(result.BytesDone / pageSize);
                    Installed(index, done, copied);
                    done += copied;
                    break;
                case UffdOutcome.AlreadyPresent:
                    pages.FoundPresent(index + done);
                    CountFills(h, done, 1, -1);
                    h.AlreadyPresent++;
                    uffd.Wake(destination, pageSize);
                    done++;
                    break;
                case UffdOutcome.RetryAfterEvents:
                    Retry(h, ref attempt, "UFFDIO_COPY", index + done, result);
                    break;
                case UffdOutcome.RangeGone:
                case UffdOutcome.TargetGone:
                    CountFills(h, done, count - done, -1);
                    for (int k = done; k < count; k++)
                    {
                        pages.Finish(index + k, installed: false);
                    }

                    WakeCopied(page, done, count);
                    return;
                default:
                    Fatal("UFFDIO_COPY", index + done, result);
                    return;
            }
        }

        WakeCopied(page, done, count);
    }

    /// <summary>Wakes the threads waiting on the first <paramref name="done"/> pages of a multi-page COPY made with DONTWAKE.</summary>
    private void WakeCopied(nint page, int done, int count)
    {
        if (count > 1 && done > 0)
        {
            uffd.Wake(page, (long)done * pageSize);
        }
    }

    private void Installed(long index, int first, int count)
    {
        for (int k = first; k < first + count; k++)
        {
            pages.Finish(index + k, installed: true);
        }
    }

    /// <summary>
    /// Adds <paramref name="delta"/> (+1 before a COPY, -1 for a page it did not install) to the counter of each
    /// staged page's kind. Only this handler thread writes its counters, so plain increments suffice; the kernel's
    /// wake-up orders them before the woken thread's reads.
    /// </summary>
    private static void CountFills(RegionHandlerThread h, int first, int count, int delta)
    {
        for (int k = first; k < first + count; k++)
        {
            if (h.Kinds[k] == PageFill.Zero)
            {
                h.ZeroPages += delta;
            }
            else
            {
                h.PagesFilled += delta;
            }
        }
    }

    /// <summary>A zero page: UFFDIO_ZEROPAGE, or a COPY of zeros where ZEROPAGE cannot (hugetlbfs) or cannot protect.</summary>
    private unsafe void ResolveZero(RegionHandlerThread h, long index, nint page, bool protect)
    {
        if (hugetlb || protect)
        {
            new Span<byte>(h.Staging, pageSize).Clear();
            h.Kinds[0] = PageFill.Zero;
            CopyStaged(h, index, page, 1, protect);
        }
        else
        {
            Resolve(h, Resolution.ZeroPage, index, page, protect: false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ServeMinor(RegionHandlerThread h, long index, nint page, PageFaultEvent fault)
    {
        if (!pages.TryClaim(index, out int observed))
        {
            AnswerUnclaimed(h, page, observed);
            return;
        }

        h.MinorFaults++;
        var context = new PageFaultContext(index, pageSize, fault.Address, fault.IsWrite, fault.ThreadId, isReadAhead: false);
        // The page is in the page cache: the provider sees (and may edit) it in place through the alias.
        var content = new Span<byte>((void*)(memory.AliasAddress + (nint)(index * pageSize)), pageSize);
        bool filled = TryFill(in context, content, out PageFill fill, out Exception? error);
        bool gated = EnterInstall();
        try
        {
            bool protect = InstallsProtected(index);
            if (!filled)
            {
                OnProviderError(h, index, page, error!, minor: true, protect);
                return;
            }

            switch (fill)
            {
                case PageFill.Poison:
                    Resolve(h, Resolution.Poison, index, page, protect: false);
                    return;
                case PageFill.Zero:
                    content.Clear();
                    break;
            }

            Resolve(h, Resolution.Continue, index, page, protect);
        }
        finally
        {
            ExitInstall(gated);
        }
    }

    /// <summary>
    /// A write to a protected page: the write handler, then the unprotect that lets the write go ahead. Exact under
    /// a concurrent Protect: the unprotect happens inside <see cref="protectionGate"/> and only if no protection began
    /// since the state was read before the handler call. If one did, the write is still outstanding in the new epoch,
    /// so the handler is called again (reporting it there) before the page is unprotected.
    /// </summary>
    /// <remarks>
    /// Every WP message calls the handler: a duplicate (a signal made the writer fault twice) is a repeated call for
    /// the same write, which is harmless for dirty tracking; skipping one that was real would lose a write.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ServeWriteProtect(RegionHandlerThread h, long index, nint page, PageFaultEvent fault)
    {
        var context = new PageFaultContext(index, pageSize, fault.Address, isWrite: true, fault.ThreadId, isReadAhead: false);
        while (true)
        {
            int before = pages.Read(index);
            h.WriteFaults++;
            if (!TryCallWriteHandler(in context, during: ""))
            {
                h.ProviderErrors++;
            }

            protectionGate.EnterShared();
            try
            {
                if (PageStateTable.ProtectedSince(before, pages.Read(index)))
                {
                    h.Reprotected++;
                    continue;
                }

                if (Resolve(h, Resolution.RemoveWriteProtection, index, page, protect: false))
                {
                    pages.TryClearProtected(index, before);
                }

                return;
            }
            finally
            {
                protectionGate.ExitShared();
            }
        }
    }

    /// <summary>
    /// A fault at an address no segment holds (a mapping that grew in place with mremap). No page index, so no
    /// provider: a missing fault is poisoned (SIGBUS, never silent zeros), the others are let through.
    /// </summary>
    private void ServeUnattributed(RegionHandlerThread h, PageFaultEvent fault)
    {
        nint page = fault.PageStart(pageSize);
        if (fault.IsWriteProtect)
        {
            uffd.RemoveWriteProtection(page, pageSize);
        }
        else if (fault.IsMinor)
        {
            uffd.Continue(page, pageSize);
        }
        else
        {
            uffd.Poison(page, pageSize);
        }

        uffd.Wake(page, pageSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryFill(in PageFaultContext context, Span<byte> page, out PageFill fill, out Exception? error)
    {
        try
        {
            fill = callbacks.FillPage(in context, page);
        }
        catch (Exception e)
        {
            fill = PageFill.Poison;
            error = e;
            return false;
        }

        if (fill is PageFill.Filled or PageFill.Zero or PageFill.Poison)
        {
            error = null;
            return true;
        }

        error = new InvalidOperationException($"The page provider returned {(int)fill}, which is not a PageFill value.");
        return false;
    }

    /// <summary>The provider threw for the faulting page: apply the region's policy; the faulting thread never hangs.</summary>
    private void OnProviderError(RegionHandlerThread h, long index, nint page, Exception error, bool minor, bool protect)
    {
        h.ProviderErrors++;
        Volatile.Write(ref lastProviderError, error);
        switch (settings.OnProviderError)
        {
            case ProviderErrorPolicy.ZeroFill:
                if (minor)
                {
                    AliasPage(index).Clear();
                    Resolve(h, Resolution.Continue, index, page, protect);
                }
                else
                {
                    ResolveZero(h, index, page, protect);
                }

                return;
            case ProviderErrorPolicy.Poison:
                Resolve(h, Resolution.Poison, index, page, protect: false);
                return;
            default:
                Environment.FailFast(
                    $"uffd region '{settings.Name}': the page provider threw for page {index} (offset {index * pageSize}); " +
                    $"OnProviderError is FailFast. {error.GetType().FullName}: {error.Message}", error);
                return;
        }
    }

    private unsafe Span<byte> AliasPage(long index) =>
        new((void*)(memory.AliasAddress + (nint)(index * pageSize)), pageSize);

    /// <summary>
    /// One single-page resolution, with the answers every resolution shares: EEXIST means present (wake), EAGAIN
    /// means read events and retry, ENOENT/ESRCH mean the range or the address space is gone (drop). The page's
    /// claim (if any) ends present or released. A zero page or poison is counted before the ioctl that wakes the
    /// faulting thread, and uncounted on the rare answers that installed nothing. True when this call resolved the
    /// page (false when it found it present, or the range gone).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Resolve(RegionHandlerThread h, Resolution resolution, long index, nint page, bool protect)
    {
        bool claimed = resolution != Resolution.RemoveWriteProtection;
        if (protect)
        {
            // A CONTINUE that installs write-protected: in the table before the ioctl that wakes the faulting thread.
            pages.MarkProtected(index);
        }

        CountResolution(h, resolution, +1);
        int attempt = 0;
        while (true)
        {
            UffdResult result = resolution switch
            {
                Resolution.ZeroPage => uffd.ZeroPage(page, pageSize),
                Resolution.Poison => uffd.Poison(page, pageSize),
                Resolution.Continue => uffd.Continue(page, pageSize, protect ? ContinueMode.WriteProtect : ContinueMode.None),
                _ => uffd.RemoveWriteProtection(page, pageSize),
            };

            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                case UffdOutcome.Partial:
                    if (claimed)
                    {
                        pages.Finish(index, installed: true, poisoned: resolution == Resolution.Poison);
                    }

                    return true;
                case UffdOutcome.AlreadyPresent:
                    if (claimed)
                    {
                        pages.FoundPresent(index);
                    }

                    CountResolution(h, resolution, -1);
                    h.AlreadyPresent++;
                    uffd.Wake(page, pageSize);
                    return false;
                case UffdOutcome.RetryAfterEvents:
                    Retry(h, ref attempt, NameOf(resolution), index, result);
                    break;
                case UffdOutcome.Fault when resolution == Resolution.Continue:
                    // The page left the page cache (MADV_REMOVE raced the fault): release it and let the thread fault
                    // again, now as a missing fault (or an ordinary one in a Minor-only region).
                    pages.Finish(index, installed: false);
                    uffd.Wake(page, pageSize);
                    return false;
                case UffdOutcome.RangeGone:
                case UffdOutcome.TargetGone:
                    CountResolution(h, resolution, -1);
                    if (claimed)
                    {
                        pages.Finish(index, installed: false);
                    }

                    return false;
                default:
                    Fatal(NameOf(resolution), index, result);
                    return false;
            }
        }
    }

    /// <summary>The counter a single-page resolution feeds (zero pages and poison; the others are counted by kind of fault).</summary>
    private static void CountResolution(RegionHandlerThread h, Resolution resolution, int delta)
    {
        if (resolution == Resolution.ZeroPage)
        {
            h.ZeroPages += delta;
        }
        else if (resolution == Resolution.Poison)
        {
            h.PoisonedPages += delta;
        }
    }

    private static string NameOf(Resolution resolution) => resolution switch
    {
        Resolution.Copy => "UFFDIO_COPY",
        Resolution.ZeroPage => "UFFDIO_ZEROPAGE",
        Resolution.Poison => "UFFDIO_POISON",
        Resolution.Continue => "UFFDIO_CONTINUE",
        _ => "UFFDIO_WRITEPROTECT",
    };

    private void Retry(RegionHandlerThread h, ref int attempt, string operation, long index, UffdResult result)
    {
        if (++attempt > MaxRetryAttempts)
        {
            Environment.FailFast(
                $"uffd region '{settings.Name}': {operation} for page {index} still answered {result} after {MaxRetryAttempts} retries; " +
                "the faulting thread cannot be resumed.");
        }

        h.Retries++;
        ReadEventsDuringRetry(h, attempt);
    }

    /// <summary>
    /// Asks the pagemap whether a page the table calls present is mapped. Used only when a missing fault arrives for
    /// such a page: usually a duplicate message (wake it), but a COPY can land in the window between a REMOVE event
    /// being read and the kernel's zap, and then the page really is gone. Waking it would make the faulting thread
    /// fault again forever; refilling it is the only way out. One pread, no allocation.
    /// </summary>
    private bool IsMapped(nint page)
    {
        if (pagemap is null)
        {
            return true;
        }

        try
        {
            PagemapEntry entry = pagemap.ReadEntry(page);
            return entry.IsPresent || entry.IsSwapped;
        }
        catch (UffdException)
        {
            return true;
        }
    }

    /// <summary>An answer no resolution expects: the faulting thread could never be resumed, so fail loudly.</summary>
    private void Fatal(string operation, long index, UffdResult result) =>
        Environment.FailFast(
            $"uffd region '{settings.Name}': {operation} for page {index} failed with {result}; the faulting thread cannot be resumed.");
}
