using System.Collections.Generic;
using System.Threading;

namespace Uffd.Regions;

/// <summary>A run of a region's pages at one address: <c>[Start, End)</c> holds pages from <c>FirstPage</c> on.</summary>
internal readonly record struct RegionSegment(nint Start, nint End, long FirstPage);

/// <summary>
/// Where a region's pages live. Normally one segment at the base address; REMAP events move segments (registrations
/// follow an <c>mremap</c>, and so do faults) and UNMAP events drop them, so a fault address always maps back to the
/// page index the provider knows. Lookups read an immutable array (no lock, no allocation); only events rebuild it.
/// </summary>
internal sealed class RegionLayout
{
    private readonly int pageSize;
    private readonly long length;
    private RegionSegment[] segments;

    public RegionLayout(nint start, long length, int pageSize)
        : this([new RegionSegment(start, start + (nint)length, 0)], length, pageSize)
    {
    }

    private RegionLayout(RegionSegment[] segments, long length, int pageSize)
    {
        this.pageSize = pageSize;
        this.length = length;
        this.segments = segments;
        BaseAddress = segments[0].Start;
    }

    /// <summary>
    /// The layout of a remote region: a segment per range, each holding the pages of the provider's page space its
    /// offset names. Its base address is the first range's (no accessor uses it: the pages are not in this process).
    /// </summary>
    public static RegionLayout Of(IReadOnlyList<RemoteRange> ranges, long pageSpaceLength, int pageSize)
    {
        var segments = new RegionSegment[ranges.Count];
        for (int i = 0; i < segments.Length; i++)
        {
            RemoteRange r = ranges[i];
            segments[i] = new RegionSegment(r.Address, r.Address + (nint)r.Length, r.Offset / pageSize);
        }

        return new RegionLayout(segments, pageSpaceLength, pageSize);
    }

    /// <summary>Where page 0 is: moves when one REMAP moved the whole region.</summary>
    public nint BaseAddress { get; private set; }

    /// <summary>True once a REMAP or UNMAP changed the layout.</summary>
    public bool Changed { get; private set; }

    public RegionSegment[] Segments => Volatile.Read(ref segments);

    /// <summary>The page holding <paramref name="address"/>, its start, and the end of its segment.</summary>
    public bool TryFind(nint address, out long page, out nint pageStart, out nint segmentEnd)
    {
        foreach (RegionSegment s in Volatile.Read(ref segments))
        {
            if (address >= s.Start && address < s.End)
            {
                long inSegment = (address - s.Start) / pageSize;
                page = s.FirstPage + inSegment;
                pageStart = s.Start + (nint)(inSegment * pageSize);
                segmentEnd = s.End;
                return true;
            }
        }

        page = -1;
        pageStart = 0;
        segmentEnd = 0;
        return false;
    }

    /// <summary>
    /// Where page <paramref name="firstPage"/> is now, and how many of the <paramref name="pageCount"/> pages from it
    /// follow it at consecutive addresses (the rest are in another segment). 0 pages when the region no longer maps
    /// <paramref name="firstPage"/> (munmap dropped it).
    /// </summary>
    public (nint Address, long Pages) Locate(long firstPage, long pageCount)
    {
        foreach (RegionSegment s in Volatile.Read(ref segments))
        {
            long segmentPages = (s.End - s.Start) / pageSize;
            if (firstPage >= s.FirstPage && firstPage < s.FirstPage + segmentPages)
            {
                long available = s.FirstPage + segmentPages - firstPage;
                return (s.Start + (nint)((firstPage - s.FirstPage) * pageSize), available < pageCount ? available : pageCount);
            }
        }

        return (0, 0);
    }

    /// <summary>The page runs <c>(firstPage, count)</c> of the region inside <c>[start, end)</c>.</summary>
    public List<(long FirstPage, long Count)> PagesIn(nint start, nint end)
    {
        var runs = new List<(long, long)>();
        foreach (RegionSegment s in Volatile.Read(ref segments))
        {
            nint from = s.Start > start ? s.Start : start;
            nint to = s.End < end ? s.End : end;
            if (from < to)
            {
                long first = s.FirstPage + (from - s.Start) / pageSize;
                long last = s.FirstPage + (to - s.Start + pageSize - 1) / pageSize;
                runs.Add((first, last - first));
            }
        }

        return runs;
    }

    /// <summary>Follows a REMAP: the part of every segment inside <c>[from, from + len)</c> now starts at <paramref name="to"/>.</summary>
    public void Remap(nint from, nint to, long len) => Rebuild(from, from + (nint)len, to - from);

    /// <summary>Follows an UNMAP: the part of every segment inside <c>[start, end)</c> is no longer served.</summary>
    public void Unmap(nint start, nint end) => Rebuild(start, end, null);

    private void Rebuild(nint start, nint end, nint? shift)
    {
        lock (this)
        {
            var next = new List<RegionSegment>();
            foreach (RegionSegment s in segments)
            {
                if (s.End <= start || end <= s.Start)
                {
                    next.Add(s);
                    continue;
                }

                if (s.Start < start)
                {
                    next.Add(s with { End = start });
                }

                if (shift is nint delta)
                {
                    nint from = s.Start > start ? s.Start : start;
                    nint to = s.End < end ? s.End : end;
                    next.Add(new RegionSegment(from + delta, to + delta, s.FirstPage + (from - s.Start) / pageSize));
                }

                if (end < s.End)
                {
                    next.Add(new RegionSegment(end, s.End, s.FirstPage + (end - s.Start) / pageSize));
                }
            }

            Changed = true;
            if (next.Count == 1 && next[0].FirstPage == 0 && next[0].End - next[0].Start == length)
            {
                BaseAddress = next[0].Start;
            }

            Volatile.Write(ref segments, next.ToArray());
        }
    }
}
