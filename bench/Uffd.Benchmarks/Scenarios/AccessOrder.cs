using System;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// Page orders. Random ones, so that each fault lands on a page the previous ones did not prefetch or warm; and
/// address order as an array, for scenarios whose loop takes either.
/// </summary>
internal static class AccessOrder
{
    public static long[] Shuffled(long pages, int seed)
    {
        long[] order = Sequential(pages);
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>Pages 0 to <paramref name="pages"/> - 1 in address order, for loops that take an order either way.</summary>
    public static long[] Sequential(long pages)
    {
        long[] order = new long[pages];
        for (long i = 0; i < pages; i++)
        {
            order[i] = i;
        }

        return order;
    }
}
