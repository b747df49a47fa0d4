using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// Generated WriteProtect and Minor regions, and Dispose racing faulting threads, against the real kernel.
/// The regions accept a user-mode-only uffd (<c>UserModeOnly = Allow</c>): what is checked here holds with either
/// kind, so root checks it on a uffd serving kernel-mode faults and the run as nobody on a user-mode-only one.
/// </summary>
public sealed class ProtectionAndSharingTests
{
    [Fact]
    public void WriteProtectTracksDirtyPages()
    {
        const string Source = """
            using System;
            using System.Collections.Concurrent;
            using System.Linq;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 16, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Tracked
                {
                    public readonly ConcurrentQueue<long> Dirty = new();

                    [WriteHandler]
                    private void OnWrite(long pageIndex) => Dirty.Enqueue(pageIndex);
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var region = new Tracked();
                        region.Open();
                        int size = region.PageSize;
                        region.Protect(0, 16);
                        var bytes = new byte[] { 1, 2, 3 };
                        region.Write(3L * size, bytes);          // write faults go through native code (GC-safe)
                        region.Write(7L * size, bytes);
                        region.Write(7L * size + 100, bytes);    // already unprotected: no second call
                        region.Write(11L * size, bytes);
                        var back = new byte[3];
                        region.Read(5L * size, back);            // reads never call the write handler
                        string first = string.Join(",", region.Dirty.OrderBy(p => p));
                        region.Read(7L * size + 100, back);
                        string content = string.Join(",", back);

                        region.Protect(0, 16);                   // a new epoch: everything is clean again
                        region.Write(3L * size, bytes);
                        string all = string.Join(",", region.Dirty.OrderBy(p => p));
                        return $"{first}|{content}|{all}|faults={region.Statistics.WriteFaults}";
                    }
                }
            }
            """;

        Assert.Equal("3,7,11|1,2,3|3,3,7,11|faults=4", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void MinorFaultsOnSharedMemoryShowThePageCacheContentThroughTheProvider()
    {
        const string Source = """
            using System;
            using System.Text;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Mode = FaultMode.Minor, Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Cache
                {
                    public readonly int[] Calls = new int[8];

                    [PageProvider]
                    private PageFill Check(in PageFaultContext context, Span<byte> page)
                    {
                        Interlocked.Increment(ref Calls[context.PageIndex]);
                        page[0] = (byte)char.ToUpperInvariant((char)page[0]);   // edits the page-cache page in place
                        return PageFill.Filled;
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        using var cache = new Cache();
                        cache.Open();
                        int size = cache.PageSize;
                        for (int i = 0; i < 8; i++)
                        {
                            Encoding.ASCII.GetBytes("page" + i).CopyTo(cache.AliasSpan((long)i * size, 5));   // the alias never faults
                        }

                        var text = new StringBuilder();
                        var buffer = new byte[5];
                        for (int round = 0; round < 2; round++)
                        {
                            for (int i = 0; i < 8; i++)
                            {
                                cache.Read((long)i * size, buffer);   // a minor fault, taken in native code
                                text.Append(Encoding.ASCII.GetString(buffer)).Append(' ');
                            }
                        }

                        return $"{text.ToString().TrimEnd()}|{string.Join(",", cache.Calls)}|minor={cache.Statistics.MinorFaults}";
                    }
                }
            }
            """;

        string pages = string.Join(" ", Enumerable.Range(0, 8).Select(i => "Page" + i));
        Assert.Equal($"{pages} {pages}|1,1,1,1,1,1,1,1|minor=8", InMemoryRegions.Run<string>(Source));
    }

    [Fact]
    public void DisposeWhileOtherThreadsFaultEndsEachThreadWithObjectDisposed()
    {
        const string Source = """
            using System;
            using System.Linq;
            using System.Threading;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Pages = 4096, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
                public partial class Busy
                {
                    public int Calls;

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page)
                    {
                        Interlocked.Increment(ref Calls);
                        page.Fill((byte)pageIndex);
                    }
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        var region = new Busy();
                        region.Open();
                        int mismatches = 0, reads = 0;
                        var endings = new string[3];
                        var threads = Enumerable.Range(0, 3).Select(t => new Thread(() =>
                        {
                            var random = new Random(t);
                            var page = new byte[region.PageSize];
                            try
                            {
                                while (true)
                                {
                                    int i = random.Next(4096);
                                    region.Read((long)i * page.Length, page);
                                    Interlocked.Increment(ref reads);
                                    if (page.AsSpan().IndexOfAnyExcept((byte)i) >= 0) Interlocked.Increment(ref mismatches);
                                }
                            }
                            catch (Exception e)
                            {
                                endings[t] = e.GetType().Name;
                            }
                        })).ToList();
                        threads.ForEach(t => t.Start());
                        bool busy = SpinWait.SpinUntil(() => Volatile.Read(ref reads) >= 200, 10_000);
                        region.Dispose();
                        bool joined = threads.All(t => t.Join(20_000));
                        region.Dispose();   // idempotent
                        return $"busy={busy}|joined={joined}|{string.Join(",", endings)}|mismatches={mismatches}|open={region.IsOpen}";
                    }
                }
            }
            """;

        Assert.Equal(
            "busy=True|joined=True|ObjectDisposedException,ObjectDisposedException,ObjectDisposedException|mismatches=0|open=False",
            InMemoryRegions.Run<string>(Source));
    }
}
