using System;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>Random page orders, so that each fault lands on a page the previous ones did not prefetch or warm.</summary>
internal static class AccessOrder
{
    public static long[] Shuffled(long pages, int seed)
    {
        long[] order = new long[pages];
        for (long i = 0; i < pages; i++)
        {
            order[i] = i;
        }

        new Random(seed).Shuffle(order);
        return order;
    }
}
