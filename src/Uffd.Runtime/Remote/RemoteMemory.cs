using System;
using System.Collections.Generic;

namespace Uffd;

/// <summary>
/// Another process's memory, as a page-fault handler process receives it: the uffd that process registered its
/// ranges with, the ranges, their page size, and the process itself (so that serving ends when it exits). Opening a
/// remote region (<c>FaultRegionEngine.OpenRemote</c>, or a generated <c>[FaultRegion(Remote = true)]</c> class)
/// takes it over; until then disposing it closes the uffd.
/// </summary>
/// <remarks>
/// The handler never touches these addresses: they are not mapped in its process. It resolves faults with
/// UFFDIO_COPY and UFFDIO_ZEROPAGE into the remote process, and follows the events that process's uffd was given
/// (REMOVE, UNMAP, REMAP, FORK). UFFDIO_MOVE cannot serve another process (the kernel requires the caller's own
/// address space), nor can CONTINUE without a mapping of the remote's shared file, so a remote region serves Missing
/// faults.
/// </remarks>
public sealed class RemoteMemory : IDisposable
{
    private bool taken;

    /// <summary>Describes the memory a received uffd serves.</summary>
    /// <param name="uffd">The uffd, received from the process (see <see cref="UffdSocket.Receive"/>).</param>
    /// <param name="ranges">The ranges it registered (at least one; page-aligned; no two overlapping in addresses or in offsets).</param>
    /// <param name="pageSize">Their page size: the base page size, or the huge page size for hugetlb memory.</param>
    /// <param name="processId">
    /// The process (see <see cref="UffdSocket.PeerProcessId"/>), watched through a pidfd so that serving ends when it
    /// exits; 0 when unknown: the end is then seen only when an install answers ESRCH.
    /// </param>
    /// <exception cref="ArgumentException">The ranges are empty, misaligned or overlap, or the page size is not a power of two.</exception>
    public RemoteMemory(Userfaultfd uffd, IReadOnlyList<RemoteRange> ranges, int pageSize, int processId = 0)
    {
        ArgumentNullException.ThrowIfNull(uffd);
        ArgumentNullException.ThrowIfNull(ranges);
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new ArgumentException($"The page size ({pageSize}) must be a power of two.", nameof(pageSize));
        }

        if (processId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(processId), processId, "A process id is positive (0: unknown).");
        }

        RemoteRange[] copy = [.. ranges];
        CheckRanges(copy, pageSize);
        Uffd = uffd;
        Ranges = copy;
        PageSize = pageSize;
        ProcessId = processId;
    }

    /// <summary>The uffd the remote process registered its ranges with.</summary>
    public Userfaultfd Uffd { get; }

    /// <summary>The ranges served.</summary>
    public IReadOnlyList<RemoteRange> Ranges { get; }

    /// <summary>The ranges' page size.</summary>
    public int PageSize { get; }

    /// <summary>The remote process, or 0 when unknown.</summary>
    public int ProcessId { get; }

    /// <summary>The pages of the provider's page space: up to the end of the range that ends last.</summary>
    public long PageSpace
    {
        get
        {
            long end = 0;
            foreach (RemoteRange r in Ranges)
            {
                end = Math.Max(end, r.Offset + r.Length);
            }

            return end / PageSize;
        }
    }

    /// <summary>Closes the uffd, unless a region took it over.</summary>
    public void Dispose()
    {
        if (!taken)
        {
            Uffd.Dispose();
        }
    }

    /// <summary>A region takes the uffd over: from then on the region's Dispose closes it.</summary>
    internal void TakeOver()
    {
        if (taken)
        {
            throw new InvalidOperationException("This remote memory is already served by a region; a uffd is served by one region at a time.");
        }

        taken = true;
    }

    private static void CheckRanges(RemoteRange[] ranges, int pageSize)
    {
        if (ranges.Length == 0)
        {
            throw new ArgumentException("Remote memory needs at least one range.", nameof(ranges));
        }

        for (int i = 0; i < ranges.Length; i++)
        {
            RemoteRange r = ranges[i];
            if (r.Length <= 0 || r.Offset < 0 || (r.Address & (pageSize - 1)) != 0 || (r.Length & (pageSize - 1)) != 0 || (r.Offset & (pageSize - 1)) != 0)
            {
                throw new ArgumentException(
                    $"Range {i} ({r}) must have a positive length and a non-negative offset, and its address, length and offset must be multiples of the page size ({pageSize}).",
                    nameof(ranges));
            }

            for (int j = 0; j < i; j++)
            {
                RemoteRange o = ranges[j];
                if (r.Address < o.Address + (nint)o.Length && o.Address < r.Address + (nint)r.Length)
                {
                    throw new ArgumentException($"Ranges {j} and {i} overlap in the remote address space ({o}, {r}).", nameof(ranges));
                }

                if (r.Offset < o.Offset + o.Length && o.Offset < r.Offset + r.Length)
                {
                    throw new ArgumentException($"Ranges {j} and {i} overlap in the provider's page space ({o}, {r}): each page index must name one page.", nameof(ranges));
                }
            }
        }
    }
}
