using System.Runtime.CompilerServices;

namespace Uffd.Regions;

/// <summary>
/// Decides a missing fault's read-ahead under <see cref="ReadAheadMode.Sequential"/>: none for a fault that continues
/// no run, and a window that grows (8 pages, then doubling, up to the region's ReadAhead) for each fault that lands
/// where a run's last read-ahead ended. A few runs are followed at once (one per reader scanning its own part), the
/// oldest forgotten first, as the kernel's file read-ahead does per open file.
/// </summary>
internal sealed class SequentialReadAhead
{
    /// <summary>The first window of a run: a second fault right after the first.</summary>
    public const int FirstWindow = 8;

    /// <summary>How many runs are followed at once.</summary>
    public const int Runs = 8;

    // A fault this many pages past a run's end still continues it: readers that skip a page or two scan all the same.
    private const int Gap = 2;

    private readonly object gate = new();
    private readonly long[] next = new long[Runs];
    private readonly int[] window = new int[Runs];
    private readonly int max;
    private int oldest;

    public SequentialReadAhead(int max)
    {
        this.max = max;
        for (int i = 0; i < Runs; i++)
        {
            next[i] = -1;
        }
    }

    /// <summary>
    /// The pages to read ahead of a missing fault at <paramref name="index"/>, recording that its run now ends after
    /// them (the caller may read fewer: it stops at a page it cannot claim, and the next fault there still continues).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int PagesAfter(long index)
    {
        lock (gate)
        {
            for (int i = 0; i < Runs; i++)
            {
                if (next[i] >= 0 && index >= next[i] && index <= next[i] + Gap)
                {
                    int grown = window[i] == 0 ? FirstWindow : window[i] * 2;
                    window[i] = grown < max ? grown : max;
                    next[i] = index + 1 + window[i];
                    return window[i];
                }
            }

            // A new run, in place of the one followed longest.
            next[oldest] = index + 1;
            window[oldest] = 0;
            oldest = (oldest + 1) % Runs;
            return 0;
        }
    }
}
