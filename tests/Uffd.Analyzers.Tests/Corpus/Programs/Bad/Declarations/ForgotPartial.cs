// corpus: expect UFFD0001
// corpus: compiler-errors
using System;
using Uffd;

namespace Corpus.ForgotPartial;

// Copied from the README, then "tidied up": partial went, and with it the generated Open and AsSpan.
[FaultRegion(Pages = 64)]
public sealed class Letters
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)('a' + pageIndex % 26));
}

public static class Program
{
    public static char Fifth()
    {
        using var letters = new Letters();
        letters.Open();
        return (char)letters.AsReadOnlySpan(5L * letters.PageSize, 1)[0];
    }
}
