using System.Threading;

namespace Uffd.Regions;

/// <summary>
/// Makes each change of a synchronous write-protect region's protection atomic with the table check that justifies
/// it. A handler may only unprotect a page (after a write fault) or install one writable (a fill) if no
/// <c>Protect</c> began since it looked at the page's state; a <c>Protect</c> marks its pages and protects them in the
/// kernel as one step. Without the gate, a write handler that finished after a newer Protect undid that Protect in the
/// kernel, and every later write to the page went unreported.
/// </summary>
/// <remarks>
/// One int: the number of handlers inside a check-and-change (shared, many at once), and a bit for a Protect or
/// Unprotect (exclusive, one at a time: the callers hold the region's protection lock). Both sides hold it only
/// across one ioctl and the table updates around it, never across a provider or write-handler call, so neither
/// waits long. A Protect sets its bit first, so a stream of faults cannot starve it.
/// </remarks>
internal sealed class ProtectionGate
{
    private const int ExclusiveBit = 1 << 30;

    private int word;

    /// <summary>Handlers inside a check-and-change (for tests).</summary>
    public int SharedCount => Volatile.Read(ref word) & ~ExclusiveBit;

    /// <summary>Enters a handler's check-and-change; waits while a protection change runs.</summary>
    public void EnterShared()
    {
        var spinner = new SpinWait();
        while (true)
        {
            int s = Volatile.Read(ref word);
            if ((s & ExclusiveBit) == 0 && Interlocked.CompareExchange(ref word, s + 1, s) == s)
            {
                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public void ExitShared() => Interlocked.Decrement(ref word);

    /// <summary>Stops new handlers from entering and waits for those inside to leave. One caller at a time.</summary>
    public void EnterExclusive()
    {
        Interlocked.Or(ref word, ExclusiveBit);
        var spinner = new SpinWait();
        while ((Volatile.Read(ref word) & ~ExclusiveBit) != 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public void ExitExclusive() => Interlocked.And(ref word, ~ExclusiveBit);
}
