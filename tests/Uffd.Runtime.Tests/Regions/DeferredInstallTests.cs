using System.Diagnostics;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// An install the kernel answers with EAGAIN (a REMOVE event queued or still being applied: MADV_DONTNEED on the
/// region) is deferred, never retried inside the resolver: the pump reads the event, then retries the install. Every
/// page must still end with the provider's content, and no faulting thread may be left waiting.
/// </summary>
public sealed class DeferredInstallTests(ITestOutputHelper output)
{
    private const long Pages = 2048;

    /// <summary>SpinWait iterations between two discards (a few microseconds).</summary>
    private const int DiscardPause = 1000;

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Faults_served_while_pages_are_discarded_defer_their_installs_and_every_page_ends_right(int readAhead)
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings($"Deferred{readAhead}", Pages) with { ReadAhead = readAhead });
        var deadline = Stopwatch.StartNew();
        int rounds = 0;
        while (region.Statistics.Retries == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            rounds++;
            using var stop = new CancellationTokenSource();

            // MADV_DONTNEED over pages in turn: each posts a REMOVE event and sets the uffd's mmap_changing, so a COPY
            // issued meanwhile gets EAGAIN. The discarded pages fault again later and must come back right. Between
            // two discards the thread does a little work, as a program releasing memory does: in a loop with nothing
            // between, the kernel lets installs through only in the instants between one madvise and the next.
            var discarder = Faulter.Run(() =>
            {
                long p = 0;
                while (!stop.IsCancellationRequested)
                {
                    region.Discard(p, 1);
                    p = (p + 7) % Pages;
                    Thread.SpinWait(DiscardPause);
                }

                return 0;
            }, "discarder");

            var readers = new List<Faulter<string?>>();
            for (int w = 0; w < 2; w++)
            {
                int first = w;
                readers.Add(Faulter.Run(() =>
                {
                    byte[] page = new byte[region.PageSize];
                    for (long p = first; p < Pages; p += 2)
                    {
                        region.Read(p * region.PageSize, page);
                        if (!RegionRecorder.HasPattern(p, page))
                        {
                            return $"page {p} read back wrong";
                        }
                    }

                    return null;
                }, $"deferred reader {w}"));
            }

            Assert.All(readers, r => Assert.Null(r.Join()));
            stop.Cancel();
            discarder.Join();
            output.WriteLine($"round {rounds}: {deadline.Elapsed.TotalMilliseconds:F0} ms, retries {region.Statistics.Retries}, messages {region.Statistics.Messages}");
        }

        FaultRegionStatistics stats = region.SettledStatistics();
        Assert.True(stats.Retries > 0, $"no install was answered with EAGAIN in {rounds} rounds: the deferral was never exercised");

        // After the storm every page reads back right once more (those discarded last fault in again).
        byte[] check = new byte[region.PageSize];
        for (long p = 0; p < Pages; p++)
        {
            region.Read(p * region.PageSize, check);
            Assert.True(RegionRecorder.HasPattern(p, check), $"page {p}");
        }
    }
}
