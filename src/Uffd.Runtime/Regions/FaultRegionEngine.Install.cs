using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// The last step of the fault path (pump, then resolver, then install): one ioctl loop for every kind of install,
/// 1..n pages, with each kernel answer handled once. EEXIST: that page is present (mark it, wake it, go on after it).
/// A partial copy: keep what was installed and go on after it. ENOENT/ESRCH: the range or the address space is gone
/// (release the rest). EAGAIN: an event is queued or still being applied, so the install is deferred, never retried
/// here: only the pump reads the uffd.
/// </summary>
public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>How long installs on one thread may keep being answered EAGAIN before the engine gives up.</summary>
    private static readonly TimeSpan MaxDeferral = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Installs <paramref name="p"/>'s pages from <paramref name="source"/> (the staged pages for a COPY; unused
    /// otherwise). Claimed pages end present or released; the pages are counted before the first ioctl (it may wake
    /// the faulting thread, which must see them in Statistics) and uncounted for any it did not install.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe ServeResult Install(RegionThreadState s, ref PageInstall p, byte* source)
    {
        if (p.Protect)
        {
            // Before the ioctl that wakes the faulting thread: it must find the pages protected in the table (a lease
            // that found them unprotected would skip its unprotect, and its write would fault in managed code).
            MarkProtected(p.Index + p.Done, p.Count - p.Done);
        }

        if (!p.Counted)
        {
            Count(s, in p, 0, p.Count, +1);
            p.Counted = true;
        }

        while (p.Done < p.Count)
        {
            nint at = p.Page + (nint)((long)p.Done * pageSize);
            UffdResult result = Issue(in p, at, source + ((long)p.Done * pageSize), (long)(p.Count - p.Done) * pageSize);
            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                    Resolved(ref p, p.Count - p.Done);
                    break;
                case UffdOutcome.Partial:
                    Resolved(ref p, PagesOf(in p, result));
                    break;
                case UffdOutcome.AlreadyPresent:
                    if (p.Claimed)
                    {
                        pages.FoundPresent(p.Index + p.Done);
                    }

                    Count(s, in p, p.Done, 1, -1);
                    s.AlreadyPresent++;
                    uffd.Wake(at, pageSize);
                    p.Done++;
                    break;
                case UffdOutcome.RetryAfterEvents:
                    return Defer(s, ref p, source, result);
                case UffdOutcome.Fault when p.Kind == InstallKind.Continue:
                    // The page left the page cache (MADV_REMOVE raced the fault): release it and let the thread fault
                    // again, now as a missing fault (or an ordinary one in a Minor-only region).
                    pages.Finish(p.Index + p.Done, installed: false);
                    uffd.Wake(at, pageSize);
                    p.Done++;
                    break;
                case UffdOutcome.TargetGone:
                    OnRemoteEnded();
                    goto case UffdOutcome.RangeGone;
                case UffdOutcome.RangeGone:
                    Count(s, in p, p.Done, p.Count - p.Done, -1);
                    Release(in p, p.Done);
                    p.Count = p.Done;
                    break;
                default:
                    Fatal(NameOf(p.Kind), p.Index + p.Done, result);
                    return ServeResult.Served;
            }
        }

        WakeInstalled(in p);
        s.DeferredSince = 0;
        return ServeResult.Served;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe UffdResult Issue(in PageInstall p, nint at, byte* source, long length) => p.Kind switch
    {
        InstallKind.Copy => uffd.Copy(at, (nint)source, length,
            (p.Protect ? CopyMode.WriteProtect : CopyMode.None) | (p.DontWake ? CopyMode.DontWake : CopyMode.None)),
        InstallKind.ZeroPage => uffd.ZeroPage(at, length),
        InstallKind.Poison => uffd.Poison(at, length),
        InstallKind.Continue => uffd.Continue(at, length, p.Protect ? ContinueMode.WriteProtect : ContinueMode.None),
        _ => uffd.RemoveWriteProtection(at, length),
    };

    /// <summary>Whole pages a partial answer installed; less than one would loop forever, so it is fatal.</summary>
    private int PagesOf(in PageInstall p, UffdResult result)
    {
        int installed = (int)(result.BytesDone / pageSize);
        if (installed <= 0)
        {
            Fatal(NameOf(p.Kind), p.Index + p.Done, result);
        }

        return installed;
    }

    private void Resolved(ref PageInstall p, int count)
    {
        if (p.Claimed)
        {
            pages.Finish(p.Index + p.Done, count, installed: true, poisoned: p.Kind == InstallKind.Poison);
        }

        p.Done += count;
        p.Installed += count;
    }

    /// <summary>Releases the claimed pages from <paramref name="first"/> on (still missing: a later touch asks again).</summary>
    private void Release(in PageInstall p, int first)
    {
        if (p.Claimed)
        {
            pages.Finish(p.Index + first, p.Count - first, installed: false);
        }
    }

    /// <summary>Wakes the threads waiting on the pages a DONTWAKE copy installed (or found present) so far.</summary>
    private void WakeInstalled(in PageInstall p)
    {
        if (p.DontWake && p.Done > 0)
        {
            uffd.Wake(p.Page, (long)p.Done * pageSize);
        }
    }

    /// <summary>
    /// EAGAIN: keeps the install (a COPY's remaining pages move to the thread state's own buffer, since the staging
    /// buffer is the dispatcher thread's) for the pump to retry once it has read the events; the pages installed so
    /// far are woken now, so the faulting thread does not wait for the read-ahead.
    /// </summary>
    private unsafe ServeResult Defer(RegionThreadState s, ref PageInstall p, byte* source, UffdResult result)
    {
        long now = Stopwatch.GetTimestamp();
        if (s.DeferredSince == 0)
        {
            s.DeferredSince = now;
        }
        else if (Stopwatch.GetElapsedTime(s.DeferredSince, now) > MaxDeferral)
        {
            Environment.FailFast(
                $"uffd region '{settings.Name}': {NameOf(p.Kind)} for page {p.Index + p.Done} still answered {result} after {MaxDeferral.TotalSeconds} s of retries " +
                $"({s.Retries} in all); the faulting thread cannot be resumed.");
        }

        s.Retries++;
        WakeInstalled(in p);
        if (p.Kind == InstallKind.Copy)
        {
            byte* kept = s.EnsurePendingPages(pageSize);
            if (kept != source)
            {
                long offset = (long)p.Done * pageSize;
                Buffer.MemoryCopy(source + offset, kept + offset, (long)s.StagingPages * pageSize - offset, (long)(p.Count - p.Done) * pageSize);
            }
        }

        s.Pending = p;
        s.HasPending = true;
        return ServeResult.Deferred;
    }

    /// <summary>
    /// Retries the deferred install. Whether it installs protected is decided again, inside the protection gate: a
    /// Protect or Unprotect may have run since it was deferred (one COPY has one mode, so pages of another protection
    /// are released).
    /// </summary>
    private unsafe ServeResult RetryPending(RegionThreadState s)
    {
        PageInstall p = s.Pending;
        s.HasPending = false;
        bool gated = EnterInstall();
        try
        {
            if (gated && p.Kind is InstallKind.Copy or InstallKind.ZeroPage or InstallKind.Continue)
            {
                p.Protect = InstallsProtected(p.Index + p.Done);
                if (p.Kind == InstallKind.ZeroPage && p.Protect)
                {
                    // ZEROPAGE cannot install protected: a protected COPY of zeros, counted as the zero pages they are.
                    new Span<byte>(s.EnsurePendingPages(pageSize) + ((long)p.Done * pageSize), (p.Count - p.Done) * pageSize).Clear();
                    s.Kinds.AsSpan(p.Done, p.Count - p.Done).Fill(PageFill.Zero);
                    p.Kind = InstallKind.Copy;
                }

                int keep = p.Done + KeepSameProtection(p.Index + p.Done, p.Page + (nint)((long)p.Done * pageSize), p.Count - p.Done, p.Protect);
                Count(s, in p, keep, p.Count - keep, -1);
                p.Count = keep;
            }

            return Install(s, ref p, s.PendingPages);
        }
        finally
        {
            ExitInstall(gated);
        }
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the counter each page of the install feeds (filled or zero pages for a COPY,
    /// by what the provider returned; zero pages; poisoned pages; CONTINUE and unprotects are counted by kind of fault).
    /// Only this thread writes its counters, so plain increments suffice; the kernel's wake-up orders them before the
    /// woken thread's reads.
    /// </summary>
    private static void Count(RegionThreadState s, in PageInstall p, int first, int count, int delta)
    {
        switch (p.Kind)
        {
            case InstallKind.Copy:
                for (int k = first; k < first + count; k++)
                {
                    if (s.Kinds[k] == PageFill.Zero)
                    {
                        s.ZeroPages += delta;
                    }
                    else
                    {
                        s.PagesFilled += delta;
                    }
                }

                break;
            case InstallKind.ZeroPage:
                s.ZeroPages += delta * count;
                break;
            case InstallKind.Poison:
                s.PoisonedPages += delta * count;
                break;
        }
    }

    private static string NameOf(InstallKind kind) => kind switch
    {
        InstallKind.Copy => "UFFDIO_COPY",
        InstallKind.ZeroPage => "UFFDIO_ZEROPAGE",
        InstallKind.Poison => "UFFDIO_POISON",
        InstallKind.Continue => "UFFDIO_CONTINUE",
        _ => "UFFDIO_WRITEPROTECT",
    };

    /// <summary>An answer no install expects: the faulting thread could never be resumed, so fail loudly.</summary>
    private void Fatal(string operation, long index, UffdResult result) =>
        Environment.FailFast(
            $"uffd region '{settings.Name}': {operation} for page {index} failed with {result}; the faulting thread cannot be resumed.");
}
