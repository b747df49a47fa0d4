using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// The span accessors of generated regions against the real kernel: AsSpan and AsReadOnlySpan over missing pages,
/// LeaseSpan with synchronous write protection, and CollectWrittenPages with asynchronous tracking. These check what
/// the accessors return; that no access path can hang under garbage collections is proven by the torture suite,
/// which needs an optimized consumer in a child process.
/// The regions accept a user-mode-only uffd (<c>UserModeOnly = Allow</c>): what is checked here holds with either
/// kind, so root checks it on a uffd serving kernel-mode faults and the run as nobody on a user-mode-only one.
/// </summary>
public sealed class SpanAccessTests
{
    [Fact]
    public void TheNaturalSpanLoopReadsEveryPageOnceWithExactContent()
    {
        const string Source = """
            using System;
            using System.Runtime.CompilerServices;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.Missing, Pages = 512, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Numbered
                {
                    public readonly int[] Calls = new int[512];

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page)
                    {
                        Calls[pageIndex]++;
                        page.Fill((byte)(pageIndex % 251));
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Numbered();
                        region.Open();
                        long sum = 0, wrong = 0;
                        for (long p = 0; p < region.PageCount; p++)
                        {
                            Span<byte> page = region.AsSpan(p * region.PageSize, region.PageSize);
                            sum += Helper(page[0]);
                            wrong += page.IndexOfAnyExcept((byte)(p % 251)) < 0 ? 0 : 1;
                            page[1] = 0xFF;   // writes through the span land
                        }

                        var back = new byte[2];
                        region.Read(300L * region.PageSize, back);
                        ReadOnlySpan<byte> whole = region.AsReadOnlySpan();
                        return $"{sum}|{wrong}|{back[0]},{back[1]}|{whole.Length == region.Length}|{Array.TrueForAll(region.Calls, c => c == 1)}";
                    }

                    [MethodImpl(MethodImplOptions.NoInlining)]
                    private static long Helper(byte value) => value;
                }
            }
            """;

        long sum = Enumerable.Range(0, 512).Sum(p => (long)(p % 251));
        Assert.Equal($"{sum}|0|{300 % 251},255|True|True", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void SynchronousWriteProtectionLeasesSpansAndHasNoPlainWritableSpan()
    {
        const string Source = """
            using System;
            using System.Collections.Concurrent;
            using System.Linq;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Ledger
                {
                    public readonly ConcurrentQueue<long> Dirty = new();

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)pageIndex);

                    [WriteHandler]
                    private void OnWrite(long pageIndex) => Dirty.Enqueue(pageIndex);
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var ledger = new Ledger();
                        ledger.Open();
                        bool noAsSpan = typeof(Ledger).GetMethods().All(m => m.Name != "AsSpan");
                        byte read = ledger.AsReadOnlySpan(2L * ledger.PageSize, 1)[0];   // a fill, not a write
                        ledger.Protect(0, 8);
                        using (SpanLease lease = ledger.LeaseSpan(5L * ledger.PageSize, 10))
                        {
                            lease.Span.Fill(0xAA);
                        }

                        string dirty = string.Join(",", ledger.Dirty.OrderBy(p => p));
                        ledger.Protect(0, 8);                                             // no lease open: returns at once
                        byte after = ledger.AsReadOnlySpan(5L * ledger.PageSize, 1)[0];
                        return $"{noAsSpan}|{read}|{dirty}|{after}|{ledger.Statistics.WriteFaults}";
                    }
                }
            }
            """;

        Assert.Equal("True|2|5|170|1", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void AsynchronousTrackingCollectsTheWrittenPagesWithoutAnyHandler()
    {
        const string Source = """
            using System;
            using System.Linq;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 64, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Snapshot
                {
                    [PageProvider(WritesWholePage = true)]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(0x11);
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var snapshot = new Snapshot();
                        snapshot.Open();
                        Span<byte> all = snapshot.AsSpan();                  // every page filled, none written
                        foreach (int page in new[] { 3, 4, 40 })
                        {
                            all[page * snapshot.PageSize] = 0x22;
                        }

                        string first = string.Join(",", snapshot.CollectWrittenPages().Select(r => $"{r.FirstPage}+{r.Count}"));
                        all[4 * snapshot.PageSize + 1] = 0x33;
                        Span<PageRange> runs = stackalloc PageRange[4];
                        int found = snapshot.CollectWrittenPages(runs);
                        return $"{first}|{found}:{runs[0].FirstPage}+{runs[0].Count}|{snapshot.Statistics.WriteFaults}|{snapshot.Statistics.PagesFilled}";
                    }
                }
            }
            """;

        Assert.Equal("3+2,40+1|1:4+1|0|64", InMemoryRegions.Run<string>(Source));
    }
}
