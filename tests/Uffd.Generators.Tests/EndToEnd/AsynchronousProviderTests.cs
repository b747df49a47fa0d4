using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// Generated regions with an asynchronous provider, compiled in memory and run against the real kernel: the exact
/// shape <c>async ValueTask FillAsync(long pageIndex, Memory&lt;byte&gt; page, CancellationToken cancellationToken)</c>,
/// the context form returning <c>ValueTask&lt;PageFill&gt;</c> with runs of pages, and the bound on calls in flight.
/// </summary>
public sealed class AsynchronousProviderTests
{
    [Fact]
    public void The_ValueTask_provider_serves_every_page_once_from_several_threads_with_many_calls_in_flight()
    {
        const string Source = """
            using System;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 64, MaxFaultsInFlight = 16, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Remote
                {
                    public readonly int[] Calls = new int[64];
                    private int outstanding;
                    public int MaxOutstanding;

                    [PageProvider]
                    private async ValueTask FillAsync(long pageIndex, Memory<byte> page, CancellationToken cancellationToken)
                    {
                        Interlocked.Increment(ref Calls[pageIndex]);
                        int now = Interlocked.Increment(ref outstanding);
                        InterlockedMax(ref MaxOutstanding, now);
                        await Task.Delay(20, cancellationToken);
                        Interlocked.Decrement(ref outstanding);
                        page.Span.Fill((byte)('a' + pageIndex % 26));
                    }

                    private static void InterlockedMax(ref int target, int value)
                    {
                        for (int seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
                        {
                            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                            {
                                return;
                            }
                        }
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Remote();
                        region.Open();
                        var threads = Enumerable.Range(0, 32).Select(t => new Thread(() =>
                        {
                            var page = new byte[region.PageSize];
                            for (long i = t; i < 64; i += 32)
                            {
                                region.Read(i * region.PageSize, page);   // GC-safe: the fault is taken in native code
                                if (Array.Exists(page, b => b != (byte)('a' + i % 26))) throw new Exception($"page {i}");
                            }
                        })).ToArray();
                        foreach (Thread thread in threads) thread.Start();
                        foreach (Thread thread in threads) thread.Join();
                        return $"{string.Join(",", region.Calls.Distinct())}|max>1={region.MaxOutstanding > 1}|max<=16={region.MaxOutstanding <= 16}|filled={region.Statistics.PagesFilled}";
                    }
                }
            }
            """;

        Assert.Equal("1|max>1=True|max<=16=True|filled=64", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void The_context_provider_fills_runs_of_pages_and_its_answer_applies_to_the_run()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 32, ReadAhead = 7, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Runs
                {
                    public readonly List<string> Calls = new();

                    [PageProvider(MaxPagesPerCall = 8)]
                    private async ValueTask<PageFill> FillAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken)
                    {
                        lock (Calls) Calls.Add($"{context.PageIndex}+{context.PageCount}");
                        await Task.Yield();
                        if (context.PageIndex >= 16) return PageFill.Zero;
                        for (int k = 0; k < context.PageCount; k++)
                        {
                            pages.Span.Slice(k * context.PageSize, context.PageSize).Fill((byte)(context.PageIndex + k + 1));
                        }

                        return PageFill.Filled;
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Runs();
                        region.Open();
                        var page = new byte[region.PageSize];
                        var seen = new List<int>();
                        for (long i = 0; i < 24; i++)
                        {
                            region.Read(i * region.PageSize, page);
                            seen.Add(Array.TrueForAll(page, b => b == page[0]) ? page[0] : -1);
                        }

                        return $"{string.Join(",", region.Calls)}|{string.Join(",", seen)}|messages={region.Statistics.Messages}";
                    }
                }
            }
            """;

        Assert.Equal(
            "0+8,8+8,16+8|1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,0,0,0,0,0,0,0,0|messages=3",
            InMemoryRegions.Run<string>(Source));
    }
}
