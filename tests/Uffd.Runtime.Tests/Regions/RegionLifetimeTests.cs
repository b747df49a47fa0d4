using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>Dispose drains the faults already waiting; REMOVE makes pages missing again.</summary>
public sealed class RegionLifetimeTests
{
    [Fact]
    public void Dispose_while_threads_are_blocked_in_faults_serves_them_with_correct_content_then_returns()
    {
        const int Pages = 4;
        const int Faulters = 3;
        using var gate = new ManualResetEventSlim();
        int entered = 0;
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                Interlocked.Increment(ref entered);
                Assert.True(gate.Wait(Bounded.Wait), "the provider was never released");
                RegionRecorder.Pattern(c.PageIndex, page);
                return PageFill.Filled;
            },
        };
        var region = TestRegion.Open(recorder, TestRegion.Settings("DisposeDrains", Pages) with { HandlerThreads = 2 });
        Userfaultfd uffd = region.Uffd;

        var faulters = Enumerable.Range(0, Faulters)
            .Select(i => Faulter.Run(() => RegionRecorder.HasPattern(i, region.ReadPage(i)), $"faulter {i}"))
            .ToList();
        Assert.True(Bounded.Until(() => uffd.ReadFdInfo().Total == Faulters && Volatile.Read(ref entered) >= 1),
            "the faulters did not all block");

        var disposer = Faulter.Run(() =>
        {
            region.Dispose();
            return true;
        }, "disposer");
        Assert.True(Bounded.Until(() => region.IsDisposing), "Dispose did not start");
        Assert.Throws<ObjectDisposedException>(() => region.ReadPage(3));
        gate.Set();

        foreach (var faulter in faulters)
        {
            Assert.True(faulter.Join(), "a drained faulter must read its page's exact content");
        }

        Assert.True(disposer.Join());
        Assert.True(uffd.IsDisposed);
        Assert.Equal(new[] { 1, 1, 1, 0 }, recorder.FillCalls);
        Assert.Throws<ObjectDisposedException>(() => region.BaseAddress);
        Assert.Throws<ObjectDisposedException>(() => region.Protect(0, 1));
        region.Dispose();
        Assert.All(region.Handlers, h => Assert.False(h.Thread!.IsAlive));
    }

    [Fact]
    public void A_removed_page_is_missing_again_and_the_provider_fills_it_a_second_time()
    {
        const int Pages = 4;
        int generation = 0;
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                page.Fill((byte)(c.PageIndex * 16 + Volatile.Read(ref generation)));
                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Remove", Pages));

        Assert.True(Faulter.Run(() => region.ReadPage(1)).Join().All(b => b == 16));
        Faulter.Run(() => region.ReadPage(2)).Join();
        Volatile.Write(ref generation, 1);
        region.Discard(1, 1);   // MADV_DONTNEED: a REMOVE event, then the page is gone

        Assert.True(Faulter.Run(() => region.ReadPage(1)).Join().All(b => b == 17), "page 1 must be filled again");
        Assert.True(Faulter.Run(() => region.ReadPage(2)).Join().All(b => b == 32), "page 2 was not removed");
        Assert.Equal(new[] { 0, 2, 1, 0 }, recorder.FillCalls);
    }

    [Fact]
    public void A_removed_shared_page_is_filled_again()
    {
        var recorder = new RegionRecorder(2);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("RemoveShared", 2) with { Memory = RegionMemory.Shared });

        Assert.True(RegionRecorder.HasPattern(0, Faulter.Run(() => region.ReadPage(0)).Join()));
        region.Discard(0, 1);   // MADV_REMOVE: frees the page cache too
        Assert.True(RegionRecorder.HasPattern(0, Faulter.Run(() => region.ReadPage(0)).Join()));
        Assert.Equal(new[] { 2, 0 }, recorder.FillCalls);
    }
}
