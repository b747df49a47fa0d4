using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Dispatch;
using Uffd.Interop;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    // MADV_POPULATE_READ answered EINVAL (a kernel before 5.14): touch pages from native code instead.
    private bool populateUnsupported;

    // Ranges made present by a span accessor or a prefault (each one system call, or one native touch per page).
    private long populateCalls;

    /// <summary>How many times an accessor had to make pages present (for tests: a present range costs none).</summary>
    internal long PopulateCalls => Volatile.Read(ref populateCalls);

    /// <summary>
    /// A writable span over the region. Every page of it is present before it is returned (made present from
    /// preemptive code when it was not), so touching it never waits for a handler: see the remarks.
    /// </summary>
    /// <remarks>
    /// A managed thread blocked in a uffd fault can deadlock the whole process with the garbage collector. So the
    /// engine makes the range present from native code first (a native one-byte read per missing page, or one
    /// <c>MADV_POPULATE_READ</c> when the provider may poison pages), doing nothing when its page table already knows
    /// every page is present, and nothing the engine does afterwards makes those pages fault again. Synchronous write protection is the
    /// exception (a <c>Protect</c> would make a later write through the span fault), so there writable spans come
    /// only as leases: use <see cref="LeaseSpan(long, int)"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The region has synchronous write protection: use <see cref="LeaseSpan(long, int)"/>.</exception>
    /// <exception cref="PagePoisonedException">A page of the range is poisoned.</exception>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap), or an mremap split it across mappings (read it with <c>Read</c>).</exception>
    public unsafe Span<byte> AsSpan(long offset, int length)
    {
        CheckBytes(offset, length);
        if (synchronousWriteProtect)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}' has synchronous write protection: a Protect could make a write through a plain span fault in managed code. " +
                "Use LeaseSpan (a Protect waits for leases) or AsReadOnlySpan.");
        }

        nint address = ContiguousAddressOf(offset, length, nameof(AsSpan));
        EnsureReadable(offset, length);
        return new Span<byte>((void*)address, length);
    }

    /// <summary>
    /// A read-only span over the region, every page present before it is returned. Reading never counts as writing,
    /// and nothing the engine does makes the pages fault again, in any mode.
    /// </summary>
    /// <exception cref="PagePoisonedException">A page of the range is poisoned.</exception>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap), or an mremap split it across mappings (read it with <c>Read</c>).</exception>
    public unsafe ReadOnlySpan<byte> AsReadOnlySpan(long offset, int length)
    {
        CheckBytes(offset, length);
        nint address = ContiguousAddressOf(offset, length, nameof(AsReadOnlySpan));
        EnsureReadable(offset, length);
        return new ReadOnlySpan<byte>((void*)address, length);
    }

    /// <summary>
    /// A writable span whose pages stay present and writable until the lease is disposed. With synchronous write
    /// protection, the write handler is called (on this thread) for every protected page of the range and the pages
    /// are unprotected before the lease is returned, and a <c>Protect</c> waits for the leases to end. In the other
    /// modes a lease is <see cref="AsSpan(long, int)"/> with a <c>Dispose</c> that does nothing.
    /// </summary>
    /// <exception cref="PagePoisonedException">A page of the range is poisoned.</exception>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap), or an mremap split it across mappings (read it with <c>Read</c>).</exception>
    public unsafe SpanLease LeaseSpan(long offset, int length)
    {
        CheckBytes(offset, length);
        var span = new Span<byte>((void*)ContiguousAddressOf(offset, length, nameof(LeaseSpan)), length);
        if (!synchronousWriteProtect)
        {
            EnsureReadable(offset, length);
            return new SpanLease(span, gate: null);
        }

        leaseGate.Enter();
        try
        {
            EnsureReadable(offset, length);
            EnsureWritable(offset, length);
            return new SpanLease(span, leaseGate);
        }
        catch
        {
            leaseGate.Exit();
            throw;
        }
    }

    /// <summary>The whole region as <see cref="AsSpan(long, int)"/>.</summary>
    /// <exception cref="InvalidOperationException">The region is longer than a span can be: use <c>AsSpan(offset, length)</c>.</exception>
    public Span<byte> AsSpan() => AsSpan(0, WholeRegionSpanLength("AsSpan"));

    /// <summary>The whole region as <see cref="AsReadOnlySpan(long, int)"/>.</summary>
    /// <exception cref="InvalidOperationException">The region is longer than a span can be: use <c>AsReadOnlySpan(offset, length)</c>.</exception>
    public ReadOnlySpan<byte> AsReadOnlySpan() => AsReadOnlySpan(0, WholeRegionSpanLength("AsReadOnlySpan"));

    /// <summary>The whole region as <see cref="LeaseSpan(long, int)"/>.</summary>
    /// <exception cref="InvalidOperationException">The region is longer than a span can be: use <c>LeaseSpan(offset, length)</c>.</exception>
    public SpanLease LeaseSpan() => LeaseSpan(0, WholeRegionSpanLength("LeaseSpan"));

    /// <summary>
    /// A span over the alias view of a Minor region: the region's page-cache pages through a mapping that is never
    /// registered, so touching it never faults into a handler. This is where a Minor region's content is staged: a
    /// page written here is in the page cache, and the region's first access to it raises the minor fault whose
    /// provider sees (and may edit) that content.
    /// </summary>
    /// <remarks>
    /// Staging content is not a program write: with WriteProtect in the mode, a write through the alias is neither
    /// passed to the write handler nor collected as written, and it changes a page the region already mapped without
    /// the provider running again. Only Minor regions have an alias: in any other region, a page touched through one
    /// would be allocated in the memfd and the region would never call the provider for it.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The region's mode has no Minor: use AsSpan, Read or Write.</exception>
    public unsafe Span<byte> AliasSpan(long offset, int length)
    {
        CheckBytes(offset, length);
        ThrowIfNoAlias();
        return new Span<byte>((void*)(memory!.AliasAddress + (nint)offset), length);
    }

    private void ThrowIfNoAlias()
    {
        if ((settings.Mode & FaultMode.Minor) == 0)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}' ({settings.Mode}) has no alias view: the alias exists only for Minor regions, where content is " +
                "staged in the page cache before the provider runs. Use AsSpan, AsReadOnlySpan, Read or Write, which fill pages through the provider.");
        }
    }

    /// <summary>Copies out of the region from native code, so a fault here never stalls the GC.</summary>
    /// <remarks>Follows the region's pages where an mremap moved them.</remarks>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap); nothing was read.</exception>
    public void Read(long offset, Span<byte> destination)
    {
        CheckBytes(offset, destination.Length);
        PopulateForAsynchronousProvider(offset, destination.Length);
        DispatcherThread? waiter = EnterAccess();
        try
        {
            // Every piece is located before any is copied: an unmapped page fails the call before it touches memory.
            ThrowIfUnmapped(offset, destination.Length, nameof(Read));
            for (int done = 0; done < destination.Length;)
            {
                (nint address, long bytes) = PieceAt(offset + done, destination.Length - done, offset, destination.Length, nameof(Read));
                GcSafeMemory.Read(address, destination.Slice(done, (int)bytes));
                done += (int)bytes;
            }
        }
        finally
        {
            ExitAccess(waiter);
        }
    }

    /// <summary>Copies into the region from native code, so a fault here never stalls the GC.</summary>
    /// <remarks>Follows the region's pages where an mremap moved them.</remarks>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap); nothing was written.</exception>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        CheckBytes(offset, source.Length);
        PopulateForAsynchronousProvider(offset, source.Length);
        DispatcherThread? waiter = EnterAccess();
        try
        {
            ThrowIfUnmapped(offset, source.Length, nameof(Write));
            for (int done = 0; done < source.Length;)
            {
                (nint address, long bytes) = PieceAt(offset + done, source.Length - done, offset, source.Length, nameof(Write));
                GcSafeMemory.Write(address, source.Slice(done, (int)bytes));
                done += (int)bytes;
            }
        }
        finally
        {
            ExitAccess(waiter);
        }
    }

    /// <summary>
    /// Makes the pages of a byte range present (as a read would), and with <paramref name="write"/> also treats them
    /// as written: with synchronous write protection the write handler runs for each protected page and it is
    /// unprotected; with asynchronous tracking the pages are reported written. The range's content is never touched.
    /// </summary>
    /// <exception cref="PagePoisonedException">A page of the range is poisoned.</exception>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap); nothing was touched.</exception>
    public void Prefault(long offset, long length, bool write = false)
    {
        CheckBytes(offset, length);
        if (length == 0)
        {
            return;
        }

        ThrowIfUnmapped(offset, length, nameof(Prefault));
        EnsureReadable(offset, length);
        if (!write)
        {
            return;
        }

        if (synchronousWriteProtect)
        {
            leaseGate.Enter();
            try
            {
                EnsureWritable(offset, length);
            }
            finally
            {
                leaseGate.Exit();
            }
        }
        else if (asynchronousWriteProtect)
        {
            long first = offset / pageSize;
            ChangeKernelProtection(first, (offset + length - 1) / pageSize - first + 1, protect: false);
        }
    }

    /// <summary>
    /// With an asynchronous provider, <c>Read</c> and <c>Write</c> make their pages present first, as the spans do: a
    /// fetch that Dispose cancels poisons its pages, which the populate reports as an error (the accessor throws
    /// <see cref="ObjectDisposedException"/>) where the copy's own fault would raise SIGBUS.
    /// </summary>
    private void PopulateForAsynchronousProvider(long offset, long length)
    {
        if (fetches is not null && length > 0)
        {
            EnsureReadable(offset, length);
        }
    }

    private int WholeRegionSpanLength(string accessor)
    {
        ThrowIfDisposed();
        ThrowIfRemote(accessor);
        if (length > int.MaxValue)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}' is {length} bytes, more than one span can hold: use {accessor}(offset, length).");
        }

        return (int)length;
    }

    /// <summary>
    /// Makes every page of the byte range present, from preemptive code, unless the page table already says it is:
    /// afterwards reading the range from managed code cannot wait for a handler.
    /// </summary>
    private void EnsureReadable(long offset, long length)
    {
        if (!canFaultMissing || length == 0)
        {
            // Write protection alone never raises a fault for a read.
            return;
        }

        long first = offset / pageSize, last = (offset + length - 1) / pageSize;
        long from = -1, to = -1;
        for (long p = first; p <= last; p++)
        {
            int fill = pages.FillState(p);
            if (fill == PageStateTable.Present)
            {
                continue;
            }

            if (fill == PageStateTable.Poisoned)
            {
                throw Poisoned(p);
            }

            if (from < 0)
            {
                from = p;
            }

            to = p;
        }

        if (from < 0)
        {
            return;
        }

        DispatcherThread? waiter = EnterAccess();
        try
        {
            Populate(from, to);
        }
        finally
        {
            ExitAccess(waiter);
        }
    }

    /// <summary>
    /// Faults pages [<paramref name="from"/>, <paramref name="to"/>] in from preemptive code: a native one-byte read per
    /// page that is not present, the very fault <c>Read</c> takes (measured at parity with it, where
    /// <c>MADV_POPULATE_READ</c> cost 0-9 % more per fresh page); or, in a region that can poison pages and on a uffd
    /// that serves kernel faults, one <c>MADV_POPULATE_READ</c>, which reports a page poisoned meanwhile as an error
    /// where the native read would get SIGBUS.
    /// </summary>
    private void Populate(long from, long to)
    {
        Interlocked.Increment(ref populateCalls);
        for (long first = from; first <= to;)
        {
            (nint start, long run) = PagesAt(first, to - first + 1, "Making pages present");
            PopulatePiece(first, first + run - 1, start);
            first += run;
        }

        ThrowIfPoisoned(from, to, waitForFills: false);
    }

    /// <summary><see cref="Populate"/> for pages at consecutive addresses from <paramref name="start"/>.</summary>
    private void PopulatePiece(long from, long to, nint start)
    {
        long length = (to - from + 1) * pageSize;
        if (canPoison && !uffd.IsUserModeOnly && !Volatile.Read(ref populateUnsupported))
        {
            for (int attempt = 0; ; attempt++)
            {
                // One system call: the kernel raises the missing and minor faults itself, the handlers serve them, and
                // this thread waits in the kernel, in preemptive mode, where a GC never waits for it.
                int errno = GcSafeMemory.Populate(start, length, write: false);
                switch (errno)
                {
                    case 0:
                        return;
                    case Errno.EINTR or Errno.EAGAIN when attempt < MaxRetryAttempts:
                        BackOff(attempt);
                        continue;
                    case Errno.EINVAL:
                        // MADV_POPULATE_READ is Linux 5.14; touch page by page below.
                        Volatile.Write(ref populateUnsupported, true);
                        break;
                    case Errno.EFAULT or Errno.EHWPOISON:
                        // The handler that poisoned the page woke this thread before it marked the page: wait for it.
                        ThrowIfPoisoned(from, to, waitForFills: true);
                        throw new UffdException(
                            $"Region '{settings.Name}': pages [{from}, {to}] could not be made present: {Errno.Describe(errno)}.", errno);
                    case Errno.ENOMEM:
                        throw new InvalidOperationException(
                            $"Region '{settings.Name}': pages [{from}, {to}] are no longer mapped where the region put them (moved with mremap, or unmapped).");
                    default:
                        throw new UffdException(
                            $"Region '{settings.Name}': MADV_POPULATE_READ of pages [{from}, {to}] failed: {Errno.Describe(errno)}.", errno);
                }

                break;
            }
        }

        // Touch each page from native code, where the thread is in preemptive mode while it waits (also the only way
        // on a user-mode-only uffd, which does not serve faults raised inside system calls).
        for (long p = from; p <= to; p++)
        {
            int fill = pages.FillState(p);
            if (fill == PageStateTable.Poisoned)
            {
                throw Poisoned(p);
            }

            if (fill != PageStateTable.Present)
            {
                GcSafeMemory.ReadByte(start + (nint)((p - from) * pageSize));
            }
        }
    }

    /// <summary>Throws, naming the range, when the region no longer maps part of it: checked before any piece is touched.</summary>
    private void ThrowIfUnmapped(long offset, long length, string operation)
    {
        for (long done = 0; done < length;)
        {
            done += PieceAt(offset + done, length - done, offset, length, operation).Bytes;
        }
    }

    /// <summary>
    /// What an access to a poisoned page throws: <see cref="PagePoisonedException"/>, or, once Dispose has begun,
    /// <see cref="ObjectDisposedException"/> (Dispose poisons the pages of the asynchronous provider's calls it cancels).
    /// </summary>
    private Exception Poisoned(long page) =>
        IsDisposing ? new ObjectDisposedException($"FaultRegion '{settings.Name}'") : new PagePoisonedException(settings.Name, page);

    /// <summary>
    /// Throws for the first poisoned page of the range. With <paramref name="waitForFills"/> (the kernel has reported a
    /// poisoned page), a page still being filled is waited for, at most a second: its handler marks it right after
    /// the ioctl that woke this thread.
    /// </summary>
    private void ThrowIfPoisoned(long from, long to, bool waitForFills)
    {
        for (long p = from; p <= to; p++)
        {
            int fill = pages.FillState(p);
            for (long deadline = Environment.TickCount64 + 1000;
                 waitForFills && fill is PageStateTable.Filling or PageStateTable.FillingStale && Environment.TickCount64 < deadline;
                 fill = pages.FillState(p))
            {
                Thread.Yield();
            }

            if (fill == PageStateTable.Poisoned)
            {
                throw Poisoned(p);
            }
        }
    }
}
