// corpus: expect UFFD0042
using System;
using Uffd;

namespace Corpus.WrongMaskStaticField;

public static class Pages
{
    private static readonly long s_bytes = Environment.SystemPageSize;

    public static long RoundDown(long offset) => offset & ~s_bytes;

    public static long RoundUp(long offset) => RoundDown(offset + s_bytes - 1);
}
