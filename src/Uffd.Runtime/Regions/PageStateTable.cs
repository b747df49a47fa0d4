using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// One int per page of a region: where its content is (missing, being filled by one handler, present), plus whether
/// the user write-protected it. Every transition is a compare-and-swap on a preallocated array, so handler threads
/// agree on who fills a page without locks or allocation, which is what makes "the provider runs once per page" hold.
/// </summary>
internal sealed class PageStateTable
{
    /// <summary>Nobody has installed the page (or a REMOVE dropped it): the next fault calls the provider.</summary>
    public const int Missing = 0;

    /// <summary>One handler claimed the page and is filling it; its resolution wakes every waiter on the page.</summary>
    public const int Filling = 1;

    /// <summary>The page is installed (filled, zero, or poisoned).</summary>
    public const int Present = 2;

    /// <summary>
    /// A REMOVE event dropped the page while it was being filled: the fill may land before or after the kernel's
    /// zap, so when it finishes the page goes back to <see cref="Missing"/> and a later fault fills it again.
    /// </summary>
    public const int FillingStale = 3;

    private const int FillMask = 0x7;
    private const int ProtectedBit = 0x8;

    private readonly int[] states;

    public PageStateTable(long pages)
    {
        states = new int[checked((int)pages)];
    }

    public int FillState(long page) => Volatile.Read(ref states[page]) & FillMask;

    /// <summary>True when the user protected the page (Protect, or ProtectOnFill) and has not unprotected it.</summary>
    public bool IsProtected(long page) => (Volatile.Read(ref states[page]) & ProtectedBit) != 0;

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
    /// Ends a claim: Present when <paramref name="installed"/> (and protected as installed), Missing otherwise. A fill
    /// that a REMOVE overtook always ends Missing.
    /// </summary>
    public void Finish(long page, bool installed, bool writeProtected)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            int fill = (s & FillMask) == FillingStale || !installed ? Missing : Present;
            int protection = installed ? (writeProtected ? ProtectedBit : 0) : s & ProtectedBit;
            if (Interlocked.CompareExchange(ref slot, fill | protection, s) == s)
            {
                return;
            }
        }
    }

    /// <summary>Marks a page present that someone else installed (EEXIST on a page this handler claimed).</summary>
    public void FoundPresent(long page) => Finish(page, installed: true, writeProtected: IsProtected(page));

    /// <summary>A REMOVE event dropped the page: Present → Missing, Filling → FillingStale. Protection is kept.</summary>
    public void Removed(long page)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            int next = (s & FillMask) switch
            {
                Present => (s & ~FillMask) | Missing,
                Filling => (s & ~FillMask) | FillingStale,
                _ => s,
            };
            if (next == s || Interlocked.CompareExchange(ref slot, next, s) == s)
            {
                return;
            }
        }
    }

    public void SetProtected(long page, bool value)
    {
        ref int slot = ref states[page];
        while (true)
        {
            int s = Volatile.Read(ref slot);
            int next = value ? s | ProtectedBit : s & ~ProtectedBit;
            if (next == s || Interlocked.CompareExchange(ref slot, next, s) == s)
            {
                return;
            }
        }
    }
}
