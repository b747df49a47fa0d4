// corpus: expect UFFD0030
using System;
using Uffd;

namespace Corpus.SelfTouchStaticHelper;

/// <summary>Rows of a cellular automaton: each page is the next generation of the page before it.</summary>
[FaultRegion(Pages = 200)]
public sealed partial class Automaton
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex == 0)
        {
            page.Clear();
            page[page.Length / 2] = 1;
            return;
        }

        byte[] previous = Generations.Row(this, pageIndex - 1);
        for (int i = 0; i < page.Length; i++)
        {
            int left = i == 0 ? 0 : previous[i - 1];
            int right = i == page.Length - 1 ? 0 : previous[i + 1];
            page[i] = (byte)((left ^ right) & 1);
        }
    }
}

public static class Generations
{
    public static byte[] Row(Automaton automaton, long generation)
    {
        byte[] row = new byte[automaton.PageSize];
        automaton.Read(generation * automaton.PageSize, row);
        return row;
    }
}
