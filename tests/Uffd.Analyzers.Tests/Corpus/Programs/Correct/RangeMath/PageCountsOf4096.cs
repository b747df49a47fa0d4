using System;
using Uffd;

namespace Corpus.PageCountsOf4096;

/// <summary>A journal of 4096 pages, whatever the page size.</summary>
[FaultRegion(Pages = 4096)]
public sealed partial class Journal
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(pageIndex % 251));
}

/// <summary>Scratch space sized at run time.</summary>
[FaultRegion]
public sealed partial class Scratch
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();
}

public static class Setup
{
    private const long DefaultScratchPages = 4096;

    public static Scratch OpenScratch(bool large)
    {
        var scratch = new Scratch();
        scratch.Open(large ? DefaultScratchPages * 4 : 4096);
        return scratch;
    }

    public static Scratch OpenNamed()
    {
        var scratch = new Scratch();
        scratch.Open(pages: 4096);
        return scratch;
    }

    public static void Warm(Journal journal)
    {
        // The first 4096 pages in bytes: a count times the page size.
        journal.Prefault(0, 4096L * journal.PageSize);
        PageRange all = new PageRange(0, 4096);
        Console.WriteLine($"{all.Count} pages warm of {journal.PageCount}");
    }
}
