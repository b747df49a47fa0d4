using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// Generated Missing-mode regions, compiled in memory and run against the real kernel.
/// The regions accept a user-mode-only uffd (<c>UserModeOnly = Allow</c>): what is checked here holds with either
/// kind, so root checks it on a uffd serving kernel-mode faults and the run as nobody on a user-mode-only one.
/// </summary>
public sealed class MissingRegionTests
{
    [Fact]
    public void EachPageIsServedExactlyOnceWithExactContent()
    {
        const string Source = """
            using System;
            using System.Text;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.Missing, Pages = 64, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Letters
                {
                    public readonly int[] Calls;

                    public Letters() => Calls = new int[64];   // the user's own constructor stays theirs

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page)
                    {
                        Interlocked.Increment(ref Calls[pageIndex]);
                        page.Fill((byte)('a' + pageIndex % 26));
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var letters = new Letters();
                        bool openBefore = letters.IsOpen;
                        letters.Open();
                        var page = new byte[letters.PageSize];
                        var seen = new StringBuilder();
                        for (int round = 0; round < 2; round++)
                        {
                            for (long i = 0; i < letters.PageCount; i++)
                            {
                                letters.Read(i * letters.PageSize, page);   // GC-safe: the fault is taken in native code
                                seen.Append(Array.TrueForAll(page, b => b == page[0]) ? (char)page[0] : '?');
                            }
                        }

                        return $"{openBefore}|{letters.IsOpen}|{letters.Length == 64L * letters.PageSize}|{seen}|" +
                            $"{string.Join(",", letters.Calls)}|filled={letters.Statistics.PagesFilled}";
                    }
                }
            }
            """;

        string letters = string.Concat(Enumerable.Range(0, 64).Select(i => (char)('a' + i % 26)));
        string ones = string.Join(",", Enumerable.Repeat(1, 64));
        Assert.Equal($"False|True|True|{letters}{letters}|{ones}|filled=64", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void AsStreamCopiesEveryPageThroughTheProviderAndWritesThroughTheRegion()
    {
        const string Source = """
            using System;
            using System.IO;
            using System.Linq;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.Missing, Pages = 8, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Letters
                {
                    public readonly int[] Calls = new int[8];

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page)
                    {
                        Interlocked.Increment(ref Calls[pageIndex]);
                        page.Fill((byte)('a' + pageIndex));
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var letters = new Letters();
                        letters.Open();
                        var copy = new MemoryStream();
                        using (Stream stream = letters.AsStream())
                        {
                            stream.CopyTo(copy);
                            stream.Seek(-3, SeekOrigin.End);
                            stream.Write("XYZ"u8);
                        }

                        byte[] bytes = copy.ToArray();
                        string pages = new string(Enumerable.Range(0, 8)
                            .Select(i => bytes.Skip(i * letters.PageSize).Take(letters.PageSize).All(b => b == 'a' + i) ? (char)('a' + i) : '?').ToArray());
                        var tail = new byte[4];
                        letters.Read(letters.Length - 4, tail);
                        return $"{bytes.Length == letters.Length}|{pages}|{string.Join(",", letters.Calls)}|{System.Text.Encoding.ASCII.GetString(tail)}";
                    }
                }
            }
            """;

        Assert.Equal("True|abcdefgh|1,1,1,1,1,1,1,1|hXYZ", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void FourThreadsFaultingOverlappingPagesInRandomOrderSeeExactContentAndOneFillPerPage()
    {
        const string Source = """
            using System;
            using System.Linq;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 256, HandlerThreads = 2, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Numbers
                {
                    public readonly int[] Calls = new int[256];

                    [PageProvider]
                    private void Fill(PageFaultContext context, Span<byte> page)
                    {
                        Interlocked.Increment(ref Calls[context.PageIndex]);
                        BitConverter.TryWriteBytes(page, context.PageIndex * 7919);
                        page.Slice(8).Fill((byte)context.PageIndex);
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Numbers();
                        region.Open();
                        int mismatches = 0;
                        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
                        {
                            var order = Enumerable.Range(0, 256).ToArray();
                            new Random(1000 + t).Shuffle(order);
                            var page = new byte[region.PageSize];
                            foreach (int i in order)
                            {
                                region.Read((long)i * region.PageSize, page);
                                bool exact = BitConverter.ToInt64(page) == i * 7919L && page.AsSpan(8).IndexOfAnyExcept((byte)i) < 0;
                                if (!exact) Interlocked.Increment(ref mismatches);
                            }
                        })).ToList();
                        threads.ForEach(t => t.Start());
                        threads.ForEach(t => t.Join());
                        return $"mismatches={mismatches}|calls={string.Join(",", region.Calls.Distinct())}|filled={region.Statistics.PagesFilled}";
                    }
                }
            }
            """;

        Assert.Equal("mismatches=0|calls=1|filled=256", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void ReadAheadFillsTheFollowingPagesWithTheSameFault()
    {
        const string Source = """
            using System;
            using System.Collections.Concurrent;
            using System.Linq;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 64, ReadAhead = 7, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Streamed
                {
                    public readonly ConcurrentQueue<string> Calls = new();

                    [PageProvider]
                    private PageFill Fill(in PageFaultContext context, Span<byte> page)
                    {
                        Calls.Enqueue(context.PageIndex + (context.IsReadAhead ? "r" : ""));
                        page.Fill((byte)context.PageIndex);
                        return PageFill.Filled;
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Streamed();
                        region.Open();
                        var page = new byte[region.PageSize];
                        region.Read(0, page);
                        string afterFirst = string.Join(",", region.Calls.OrderBy(c => int.Parse(c.TrimEnd('r'))));
                        bool exact = true;
                        for (int i = 0; i < 8; i++)
                        {
                            region.Read((long)i * region.PageSize, page);
                            exact &= page.AsSpan().IndexOfAnyExcept((byte)i) < 0;
                        }

                        return $"{afterFirst}|calls={region.Calls.Count}|exact={exact}|filled={region.Statistics.PagesFilled}";
                    }
                }
            }
            """;

        Assert.Equal("0,1r,2r,3r,4r,5r,6r,7r|calls=8|exact=True|filled=8", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void AThrowingProviderUnderZeroFillGivesAZeroPageAndRecordsTheError()
    {
        const string Source = """
            using System;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 4, OnProviderError = ProviderErrorPolicy.ZeroFill, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Fragile
                {
                    [PageProvider]
                    private static void Fill(long pageIndex, Span<byte> page)
                    {
                        if (pageIndex == 2) throw new InvalidOperationException("no page 2");
                        page.Fill((byte)'x');
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Fragile();
                        region.Open();
                        var page = new byte[region.PageSize];
                        string pages = "";
                        for (int i = 0; i < 4; i++)
                        {
                            region.Read((long)i * region.PageSize, page);
                            pages += page.AsSpan().IndexOfAnyExcept(page[0]) < 0 ? (page[0] == 0 ? "0" : ((char)page[0]).ToString()) : "?";
                        }

                        var stats = region.Statistics;
                        return $"{pages}|{region.LastProviderError?.Message}|errors={stats.ProviderErrors}|zero={stats.ZeroPages}|filled={stats.PagesFilled}";
                    }
                }
            }
            """;

        Assert.Equal("xx0x|no page 2|errors=1|zero=1|filled=3", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void TwoRegionsAliveAtOnceServeTheirOwnPages()
    {
        const string Source = """
            using System;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Upper
                {
                    public int Calls;
                    [PageProvider] private void Fill(long pageIndex, Span<byte> page) { Interlocked.Increment(ref Calls); page.Fill((byte)('A' + pageIndex)); }
                }

                [FaultRegion(HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Lower
                {
                    public int Calls;
                    [PageProvider] private void Fill(long pageIndex, Span<byte> page) { Interlocked.Increment(ref Calls); page.Fill((byte)('a' + pageIndex)); }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var upper = new Upper();
                        using var lower = new Lower();
                        upper.Open();
                        lower.Open(8);
                        var page = new byte[upper.PageSize];
                        string text = "";
                        for (int round = 0; round < 2; round++)
                        {
                            for (int i = 0; i < 8; i++)
                            {
                                upper.Read((long)i * upper.PageSize, page);
                                text += (char)page[upper.PageSize - 1];
                                lower.Read((long)i * lower.PageSize, page);
                                text += (char)page[0];
                            }
                        }

                        return $"{text}|{upper.Calls}|{lower.Calls}";
                    }
                }
            }
            """;

        Assert.Equal("AaBbCcDdEeFfGgHhAaBbCcDdEeFfGgHh|8|8", InMemoryRegions.Run<string>(Source));
    }
}
