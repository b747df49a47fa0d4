using System;
using Uffd;

namespace Corpus.ExtendedPartialProvider;

// The declaration in the hand-written part, the body in a part another tool writes (C# 9 partial methods).
[FaultRegion(Pages = 16)]
public sealed partial class Palette
{
    [PageProvider]
    private partial void Fill(long pageIndex, Span<byte> page);
}

public sealed partial class Palette
{
    private partial void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (byte)(pageIndex * 16 + i % 16);
        }
    }
}
