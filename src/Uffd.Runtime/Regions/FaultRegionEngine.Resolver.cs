using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Uffd.Dispatch;

namespace Uffd.Regions;

/// <summary>
/// The middle of the fault path (pump, then resolver, then install): decides what a fault needs (claim the page,
/// call the provider or the write handler, stage read-ahead, apply the error policy) and hands one
/// <see cref="PageInstall"/> to <see cref="Install"/>. Answers <see cref="ServeResult.Served"/> or, when the kernel
/// said EAGAIN, <see cref="ServeResult.Deferred"/>; it never reads the uffd.
/// </summary>
public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>Serves one page fault on dispatcher thread <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ServeResult ServeFault(RegionThreadState s, DispatcherThread t, in PageFaultEvent fault, long readAt)
    {
        if (!layout.TryFind(fault.Address, out long index, out nint page, out nint segmentEnd))
        {
            ServeUnattributed(fault);
            return ServeResult.Served;
        }

        if (fault.IsWriteProtect)
        {
            return ServeWriteProtect(s, index, page, in fault, readAt);
        }

        if (fault.IsMinor)
        {
            return ServeMinor(s, index, page, in fault, readAt);
        }

        return ServeMissing(s, t, index, page, segmentEnd, in fault, readAt);
    }

    /// <summary>
    /// A page the handler cannot claim: being filled by another handler (whose install wakes every waiter on the
    /// page, so this message is dropped), or already present (wake it: cheap, and robust if someone installed it
    /// without waking). A fill a REMOVE overtook is woken too; the thread faults again until the fill settles.
    /// </summary>
    private void AnswerUnclaimed(RegionThreadState s, nint page, int observed)
    {
        if (observed == PageStateTable.Filling)
        {
            return;
        }

        s.AlreadyPresent++;
        uffd.Wake(page, pageSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe ServeResult ServeMissing(RegionThreadState s, DispatcherThread t, long index, nint page, nint segmentEnd, in PageFaultEvent fault, long readAt)
    {
        if (!pages.TryClaim(index, out int observed))
        {
            if (observed != PageStateTable.Present || IsMapped(page) || !pages.TryReclaimLost(index))
            {
                AnswerUnclaimed(s, page, observed);
                return ServeResult.Served;
            }

            // The table said present but the page is gone (a COPY the kernel zapped right after a REMOVE): refill it.
        }

        if (settings.AsynchronousProvider)
        {
            return ServeAsynchronously(s, index, page, segmentEnd, in fault, readAt, minor: false);
        }

        byte* staging = t.Staging(pageSize, s.StagingPages);
        int limit = RunLimit(index, s.StagingPages);

        // The faulting page's call holds up to MaxPagesPerCall pages (claimed first: the call fills them all); the
        // read-ahead after it is claimed and filled call by call, once that call filled its pages.
        int first = 1 + ClaimRun(index + 1, page + pageSize, segmentEnd, Math.Min(maxPagesPerCall, limit) - 1, InstallsProtected(index));
        var context = new PageFaultContext(index, pageSize, fault.Address, fault.IsWrite, fault.ThreadId, isReadAhead: false, first);
        bool filled = TryFill(in context, StagedPages(staging, 0, first), out PageFill fill, out Exception? error);
        if (!filled || fill == PageFill.Poison)
        {
            // The error policy, or the poison, is for the faulting page; the others are asked again when touched.
            ReleaseClaims(index, page, 1, first);
            first = 1;
        }

        int count = first;
        if (filled && fill == PageFill.Filled)
        {
            s.Kinds.AsSpan(0, first).Fill(PageFill.Filled);

            // Read-ahead groups pages of one protection; the install below checks the grouping again under the gate.
            count += StageReadAhead(s, staging, index, page, segmentEnd, first, limit, InstallsProtected(index));
        }

        bool gated = EnterInstall();
        try
        {
            // Install protected with ProtectOnFill, or when the page is protected (so the fill keeps the protection).
            bool protect = InstallsProtected(index);
            if (!filled)
            {
                return OnProviderError(s, staging, index, page, error!, minor: false, protect, in fault, readAt);
            }

            switch (fill)
            {
                case PageFill.Zero:
                    return InstallZero(s, staging, index, page, count, protect, in fault, readAt);
                case PageFill.Poison:
                    var poison = new PageInstall(InstallKind.Poison, index, page, 1, protect: false, in fault, readAt);
                    return Install(s, ref poison, null);
            }

            var copy = new PageInstall(InstallKind.Copy, index, page, KeepSameProtection(index, page, count, protect), protect, in fault, readAt);
            return Install(s, ref copy, staging);
        }
        finally
        {
            ExitInstall(gated);
        }
    }

    /// <summary>
    /// The most pages a missing fault at <paramref name="index"/> fills, its own included: <paramref name="room"/>
    /// (1 + ReadAhead, at most the region's pages), or fewer under <see cref="ReadAheadMode.Sequential"/>.
    /// </summary>
    private int RunLimit(long index, int room) => sequential is null ? room : Math.Min(room, 1 + sequential.PagesAfter(index));

    /// <summary>Pages [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of a staging buffer.</summary>
    private unsafe Span<byte> StagedPages(byte* staging, int first, int count)
    {
        var span = new Span<byte>(staging + ((long)first * pageSize), count * pageSize);

        // The staging buffer still holds the last pages this thread filled, for any region: a provider that writes
        // only part of a page must see zeros elsewhere, as in a fresh page (unless it said it writes all).
        if (!settings.ProviderWritesWholePage)
        {
            span.Clear();
        }

        return span;
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
    private int KeepSameProtection(long index, nint page, int count, bool protect)
    {
        if (!writeProtectMode || protectOnFill)
        {
            return count;
        }

        for (int k = 1; k < count; k++)
        {
            if (pages.IsProtected(index + k) != protect)
            {
                ReleaseClaims(index, page, k, count);
                return k;
            }
        }

        return count;
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> pages from <paramref name="index"/> on (at <paramref name="address"/>),
    /// all installing with protection <paramref name="protect"/>; returns how many. Stops at the region's (segment's)
    /// end, at the first page it cannot claim (present, or being filled) and at a page whose protection differs
    /// (one COPY has one mode).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ClaimRun(long index, nint address, nint segmentEnd, int max, bool protect)
    {
        int claimed = 0;
        for (; claimed < max; claimed++)
        {
            long next = index + claimed;
            if (next >= PageCount || address + (nint)((long)claimed * pageSize) >= segmentEnd)
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
        }

        return claimed;
    }

    /// <summary>
    /// Releases claimed pages [<paramref name="from"/>, <paramref name="to"/>) of a run starting at
    /// <paramref name="index"/> (still missing: a later touch asks the provider again), and wakes them: a thread that
    /// faulted on one while it was claimed had its message dropped (the fill would wake it), so it faults again now.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReleaseClaims(long index, nint page, int from, int to)
    {
        if (from >= to)
        {
            return;
        }

        pages.Finish(index + from, to - from, installed: false);
        uffd.Wake(page + (nint)((long)from * pageSize), (long)(to - from) * pageSize);
    }

    /// <summary>
    /// Claims and fills the read-ahead after the first <paramref name="staged"/> pages, up to <paramref name="limit"/>
    /// pages in all, MaxPagesPerCall pages per provider call, into the staging buffer after them; returns the pages added.
    /// Stops where <see cref="ClaimRun"/> stops, and at a call that poisons or fails (its pages stay missing; a later
    /// touch asks the provider again and applies the error policy then).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe int StageReadAhead(RegionThreadState s, byte* staging, long index, nint page, nint segmentEnd, int staged, int limit, bool protect)
    {
        int added = 0;
        while (staged + added < limit)
        {
            int at = staged + added;
            int wanted = Math.Min(maxPagesPerCall, limit - at);
            nint address = page + (nint)((long)at * pageSize);
            int claimed = ClaimRun(index + at, address, segmentEnd, wanted, protect);
            if (claimed == 0)
            {
                break;
            }

            var context = new PageFaultContext(index + at, pageSize, address, isWrite: false, threadId: 0, isReadAhead: true, claimed);
            Span<byte> buffer = StagedPages(staging, at, claimed);
            if (!TryFill(in context, buffer, out PageFill fill, out Exception? error))
            {
                RecordProviderError(s, error!);
                ReleaseClaims(index, page, at, at + claimed);
                break;
            }

            if (fill == PageFill.Poison)
            {
                ReleaseClaims(index, page, at, at + claimed);
                break;
            }

            if (fill == PageFill.Zero)
            {
                buffer.Clear();
            }

            s.Kinds.AsSpan(at, claimed).Fill(fill);
            added += claimed;
            if (claimed < wanted)
            {
                // The run stopped at a page it could not take: the read-ahead ends there.
                break;
            }
        }

        return added;
    }

    /// <summary>
    /// <paramref name="count"/> zero pages: UFFDIO_ZEROPAGE, or a COPY of zeros where ZEROPAGE cannot (hugetlbfs) or
    /// cannot protect (<paramref name="staging"/> then holds at least <paramref name="count"/> pages).
    /// </summary>
    private unsafe ServeResult InstallZero(RegionThreadState s, byte* staging, long index, nint page, int count, bool protect, in PageFaultEvent fault, long readAt)
    {
        if (hugetlb || protect)
        {
            new Span<byte>(staging, count * pageSize).Clear();
            s.Kinds.AsSpan(0, count).Fill(PageFill.Zero);
            var copy = new PageInstall(InstallKind.Copy, index, page, KeepSameProtection(index, page, count, protect), protect, in fault, readAt);
            return Install(s, ref copy, staging);
        }

        var zero = new PageInstall(InstallKind.ZeroPage, index, page, count, protect: false, in fault, readAt);
        return Install(s, ref zero, null);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe ServeResult ServeMinor(RegionThreadState s, long index, nint page, in PageFaultEvent fault, long readAt)
    {
        if (!pages.TryClaim(index, out int observed))
        {
            AnswerUnclaimed(s, page, observed);
            return ServeResult.Served;
        }

        s.MinorFaults++;
        if (settings.AsynchronousProvider)
        {
            return ServeAsynchronously(s, index, page, page + pageSize, in fault, readAt, minor: true);
        }

        var context = new PageFaultContext(index, pageSize, fault.Address, fault.IsWrite, fault.ThreadId, isReadAhead: false);
        // The page is in the page cache: the provider sees (and may edit) it in place through the alias.
        Span<byte> content = AliasPage(index);
        bool filled = TryFill(in context, content, out PageFill fill, out Exception? error);
        bool gated = EnterInstall();
        try
        {
            bool protect = InstallsProtected(index);
            if (!filled)
            {
                return OnProviderError(s, null, index, page, error!, minor: true, protect, in fault, readAt);
            }

            if (fill == PageFill.Poison)
            {
                var poison = new PageInstall(InstallKind.Poison, index, page, 1, protect: false, in fault, readAt);
                return Install(s, ref poison, null);
            }

            if (fill == PageFill.Zero)
            {
                content.Clear();
            }

            var map = new PageInstall(InstallKind.Continue, index, page, 1, protect, in fault, readAt);
            return Install(s, ref map, null);
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
    /// the same write, which is harmless for dirty tracking; skipping one that was real would lose a write. For the
    /// same reason a deferred unprotect is served again from the start, handler call included, rather than resumed
    /// outside the gate.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ServeResult ServeWriteProtect(RegionThreadState s, long index, nint page, in PageFaultEvent fault, long readAt)
    {
        var context = new PageFaultContext(index, pageSize, fault.Address, isWrite: true, fault.ThreadId, isReadAhead: false);
        while (true)
        {
            int before = pages.Read(index);
            s.WriteFaults++;
            if (!TryCallWriteHandler(in context, during: ""))
            {
                s.ProviderErrors++;
            }

            protectionGate.EnterShared();
            try
            {
                if (PageStateTable.ProtectedSince(before, pages.Read(index)))
                {
                    s.Reprotected++;
                    continue;
                }

                var unprotect = new PageInstall(InstallKind.RemoveWriteProtection, index, page, 1, protect: false, in fault, readAt);
                unsafe
                {
                    if (Install(s, ref unprotect, null) == ServeResult.Deferred)
                    {
                        return ServeResult.Deferred;
                    }
                }

                if (unprotect.Installed > 0)
                {
                    pages.TryClearProtected(index, before);
                }

                return ServeResult.Served;
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
    private void ServeUnattributed(in PageFaultEvent fault)
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
        else if (remote is not null && (uffd.EnabledFeatures & UffdFeatures.Poison) == 0)
        {
            RemoteFaultNobodyServes(page);
            return;
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

        error = CheckFill(fill);
        return error is null;
    }

    /// <summary>Null for a <see cref="PageFill"/> value; else the error a provider's undefined answer is treated as.</summary>
    private static InvalidOperationException? CheckFill(PageFill fill) =>
        fill is PageFill.Filled or PageFill.Zero or PageFill.Poison
            ? null
            : new InvalidOperationException($"The page provider returned {(int)fill}, which is not a PageFill value.");

    /// <summary>Counts a provider's failure and keeps it for <see cref="LastProviderError"/>.</summary>
    private void RecordProviderError(RegionThreadState s, Exception error)
    {
        s.ProviderErrors++;
        Volatile.Write(ref lastProviderError, error);
    }

    /// <summary>The provider threw for the faulting page: apply the region's policy; the faulting thread never hangs.</summary>
    private unsafe ServeResult OnProviderError(RegionThreadState s, byte* staging, long index, nint page, Exception error, bool minor, bool protect, in PageFaultEvent fault, long readAt)
    {
        RecordProviderError(s, error);
        switch (settings.OnProviderError)
        {
            case ProviderErrorPolicy.ZeroFill when minor:
                AliasPage(index).Clear();
                var map = new PageInstall(InstallKind.Continue, index, page, 1, protect, in fault, readAt);
                return Install(s, ref map, null);
            case ProviderErrorPolicy.ZeroFill:
                return InstallZero(s, staging, index, page, 1, protect, in fault, readAt);
            case ProviderErrorPolicy.Poison:
                var poison = new PageInstall(InstallKind.Poison, index, page, 1, protect: false, in fault, readAt);
                return Install(s, ref poison, null);
            default:
                Environment.FailFast(
                    $"uffd region '{settings.Name}': the page provider threw for page {index} (offset {index * pageSize}); " +
                    $"OnProviderError is FailFast. {error.GetType().FullName}: {error.Message}", error);
                return ServeResult.Served;
        }
    }

    private unsafe Span<byte> AliasPage(long index) =>
        new((void*)(memory!.AliasAddress + (nint)(index * pageSize)), pageSize);

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
            // A remote region that may not read its process's pagemap refills: the kernel answers EEXIST if the page
            // was there after all (a duplicate message), and the install wakes it.
            return remote is null;
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
}
