using System;
using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// One int per page of a region: where its content is (missing, being filled by one handler, present, poisoned),
/// whether it may be write-protected, and a protection generation. Every transition is a compare-and-swap on a
/// preallocated array, so handler threads agree on who fills a page without locks or allocation, which is what makes
/// "the provider runs once per page" hold.
/// </summary>
/// <remarks>
/// The table is what lets a span accessor skip its system call, so it errs in one direction only: a page it calls
/// present is mapped, and a page it calls unprotected is unprotected in the kernel. The protected bit is set before
/// the kernel protects and cleared only after the kernel unprotected, and only if no protection started meanwhile
/// (the generation, bumped by every protection, tells); otherwise it stays set, which costs a spare resolution at
/// most. Fill states are set after the kernel installed, and a REMOVE marks the page missing before the kernel zaps it.
/// </remarks>
internal sealed class PageStateTable
{
    /// <summary>Nobody has installed the page (or a REMOVE dropped it): the next fault calls the provider.</summary>
    public const int Missing = 0;

    /// <summary>One handler claimed the page and is filling it; its resolution wakes every waiter on the page.</summary>
    public const int Filling = 1;

    /// <summary>The page is installed (filled or zero).</summary>
    public const int Present = 2;

    /// <summary>
    /// A REMOVE event dropped the page while it was being filled: the fill may land before or after the kernel's
    /// zap, so when it finishes the page goes back to <see cref="Missing"/> and a later fault fills it again.
    /// </summary>
    public const int FillingStale = 3;

    /// <summary>The page was poisoned (the provider's <see cref="PageFill.Poison"/>, or the Poison policy): access raises SIGBUS.</summary>
    public const int Poisoned = 4;

    private const int FillMask = 0x7;
    private const int ProtectedBit = 0x8;
    private const int GenerationShift = 4;
    private const int GenerationUnit = 1 << GenerationShift;

    private readonly int[] states;

    private PageStateTable(int[] states)
    {
        this.states = states;
    }

    /// <summary>
    /// The table of a region of <paramref name="pages"/> pages (at most <see cref="UffdLimits.MaxRegionPages"/>,
    /// which <see cref="RegionSetup.Validate"/> checked). A valid count can still be more than the GC can give (the
    /// table of the largest region is 8 GiB): that failure says how much the table needed, instead of a bare
    /// <see cref="OutOfMemoryException"/> from an array nobody asked for by name.
    /// </summary>
    /// <exception cref="InsufficientMemoryException">The table could not be allocated.</exception>
    public static PageStateTable Allocate(string region, long pages)
    {
        int count = checked((int)pages);
        try
        {
            return new PageStateTable(new int[count]);
        }
        catch (OutOfMemoryException e)
        {
            long bytes = (long)count * sizeof(int);
            throw new InsufficientMemoryException(
                $"Region '{region}': its page table of {pages} pages needs {bytes} bytes ({UffdLimits.Bytes(bytes)}) of managed " +
                "memory, which the GC could not allocate. Open a smaller region, or give the process more memory (a GC heap " +
                "limit such as DOTNET_GCHeapHardLimit, or a container's memory limit, may be what refused it).", e);
        }
    }

    /// <summary>The whole state word, for <see cref="TryClearProtected"/>: read it before the unprotecting ioctl.</summary>
    public int Read(long page) => Volatile.Read(ref states[page]);

    public int FillState(long page) => Volatile.Read(ref states[page]) & FillMask;

    /// <summary>True when the page may be write-protected in the kernel (see the remarks).</summary>
    public bool IsProtected(long page) => (Volatile.Read(ref states[page]) & ProtectedBit) != 0;

    /// <summary>The protected bit of a state word.</summary>
    public static bool IsProtectedState(int state) => (state & ProtectedBit) != 0;

    /// <summary>True when a protection began between the two state words of one page (its generation moved).</summary>
    public static bool ProtectedSince(int before, int now) => (before >> GenerationShift) != (now >> GenerationShift);

    /// <summary>Missing → Filling. False (with the fill state seen) when the page is not missing.</summary>
    public bool TryClaim(long page, out int observed)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            observed = s & FillMask;
            if (observed != Missing)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref slot, (s & ~FillMask) | Filling, s) == s)
            {
                return true;
            }
        }
    }

    /// <summary>Present → Filling, for a page the kernel lost without the table knowing. False if the state moved meanwhile.</summary>
    public bool TryReclaimLost(long page)
    {
        ref int slot = ref states[page];
        int s = Volatile.Read(ref slot);
        return (s & FillMask) == Present && Interlocked.CompareExchange(ref slot, (s & ~FillMask) | Filling, s) == s;
    }

    /// <summary>
    /// Ends a claim: Present (or Poisoned) when <paramref name="installed"/>, Missing otherwise. A fill that a REMOVE
    /// overtook always ends Missing. The protected bit is left as it is: a fill that installs write-protected calls
    /// <see cref="MarkProtected"/> before its installing ioctl, like any protection, because that ioctl wakes the
    /// faulting thread, which may open a lease at once (setting the bit here, after the wake, let a lease find it
    /// clear and return over a page the kernel still protected). A writable install leaves it too: a Protect may have
    /// started after the fill decided its mode (the bit then stays set).
    /// </summary>
    public void Finish(long page, bool installed, bool poisoned = false)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            int fill = (s & FillMask) == FillingStale || !installed ? Missing : poisoned ? Poisoned : Present;
            if (Interlocked.CompareExchange(ref slot, (s & ~FillMask) | fill, s) == s)
            {
                return;
            }
        }
    }

    /// <summary><see cref="Finish(long, bool, bool)"/> for each of <paramref name="count"/> pages from <paramref name="first"/> on.</summary>
    public void Finish(long first, int count, bool installed, bool poisoned = false)
    {
        for (int k = 0; k < count; k++)
        {
            Finish(first + k, installed, poisoned);
        }
    }

    /// <summary>Marks a page present that someone else installed (EEXIST on a page this handler claimed).</summary>
    public void FoundPresent(long page) => Finish(page, installed: true);

    /// <summary>A REMOVE event dropped the page: Present or Poisoned → Missing, Filling → FillingStale. Protection is kept.</summary>
    public void Removed(long page)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            int next = (s & FillMask) switch
            {
                Present or Poisoned => (s & ~FillMask) | Missing,
                Filling => (s & ~FillMask) | FillingStale,
                _ => s,
            };
            if (next == s || Interlocked.CompareExchange(ref slot, next, s) == s)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A protection begins (a Protect, or a fill about to install write-protected): sets the bit and bumps the
    /// generation. Call it before the protecting ioctl, so that an unprotection that read the state earlier cannot
    /// clear the bit afterwards, and so that nobody finds the bit clear once the kernel has protected.
    /// </summary>
    public void MarkProtected(long page)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            if (Interlocked.CompareExchange(ref slot, (s | ProtectedBit) + GenerationUnit, s) == s)
            {
                return;
            }
        }
    }

    /// <summary>
    /// After an unprotecting ioctl: clears the bit if no protection began since <paramref name="before"/> (the state
    /// read before that ioctl). When one did, the kernel may be protected again, so the bit stays.
    /// </summary>
    public void TryClearProtected(long page, int before)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            if ((s & ProtectedBit) == 0 || (s >> GenerationShift) != (before >> GenerationShift)
                || Interlocked.CompareExchange(ref slot, s & ~ProtectedBit, s) == s)
            {
                return;
            }
        }
    }
}
