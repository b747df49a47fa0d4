using System;
using System.Threading;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    // Odd while a handler reads messages and applies the events among them: an mremap or munmap returns once its
    // event is read, not once it is applied, so an access that follows it waits for this to be even again.
    private int eventSequence;

    /// <summary>
    /// Where bytes [<paramref name="offset"/>, +<paramref name="length"/>) are now, when they lie at consecutive
    /// addresses (a span needs that). Throws, naming the range, when part of it was unmapped or when an mremap split
    /// it across mappings.
    /// </summary>
    private nint ContiguousAddressOf(long offset, long length, string operation)
    {
        (nint address, long bytes) = PieceAt(offset, length, offset, length, operation);
        for (long done = bytes; done < length;)
        {
            (nint next, long more) = PieceAt(offset + done, length - done, offset, length, operation);
            if (next != address + (nint)done)
            {
                throw new InvalidOperationException(
                    $"Region '{settings.Name}': {operation} of bytes [{offset}, {offset + length}) needs them at consecutive addresses, but an mremap " +
                    $"moved part of them (offset {offset + done} is now at 0x{next:x}). Use Read or Write, which follow the pieces, or a range within one piece.");
            }

            done += more;
        }

        return address;
    }

    /// <summary>
    /// Where byte <paramref name="at"/> is now, and how many of the <paramref name="remaining"/> bytes from it follow
    /// at consecutive addresses (all of them unless an mremap split the region). Throws, naming the whole range
    /// [<paramref name="offset"/>, +<paramref name="length"/>) of the <paramref name="operation"/>, when the region
    /// no longer maps that byte.
    /// </summary>
    private (nint Address, long Bytes) PieceAt(long at, long remaining, long offset, long length, string operation)
    {
        WaitForLayoutEvents();
        if (!layout.Changed)
        {
            return (layout.BaseAddress + (nint)at, remaining);
        }

        long page = at / pageSize, inPage = at - page * pageSize;
        (nint address, long pages) = layout.Locate(page, (inPage + remaining + pageSize - 1) / pageSize);
        if (pages == 0)
        {
            throw new InvalidOperationException(
                $"Region '{settings.Name}': {operation} of bytes [{offset}, {offset + length}) reaches page {page}, which the region no longer maps " +
                "(it was unmapped with munmap); nothing was touched.");
        }

        return (address + (nint)inPage, Math.Min(remaining, pages * pageSize - inPage));
    }

    /// <summary>Where page <paramref name="page"/> is now and how many of <paramref name="count"/> pages follow it, for page-range operations.</summary>
    private (nint Address, long Pages) PagesAt(long page, long count, string operation)
    {
        (nint address, long bytes) = PieceAt(page * pageSize, count * pageSize, page * pageSize, count * pageSize, operation);
        return (address, bytes / pageSize);
    }

    /// <summary>Waits while a handler is applying the events it just read (see <see cref="eventSequence"/>).</summary>
    private void WaitForLayoutEvents()
    {
        int sequence = Volatile.Read(ref eventSequence);
        if ((sequence & 1) == 0)
        {
            return;
        }

        var spinner = new SpinWait();
        while (Volatile.Read(ref eventSequence) == sequence)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
