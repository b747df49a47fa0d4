using System.IO;
using Uffd.Dispatch;
using Uffd.Interop;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;
using Uffd.Runtime.Tests.Lifetime;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Who serves a region: by default the process's shared dispatcher (one pinned thread per CPU, started once, asleep
/// in epoll_wait when idle, serving every region); with HandlerThreads, a dispatcher of the region's own.
/// </summary>
public sealed class HandlerThreadTests
{
    [Fact]
    public void By_default_regions_share_one_dispatcher_thread_per_cpu_each_pinned_named_and_asleep_in_epoll_wait()
    {
        using var first = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings("Pinned", 4));
        using var second = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings("PinnedToo", 4));
        Assert.Same(FaultDispatcher.Shared, first.Dispatcher);
        Assert.Same(first.Dispatcher, second.Dispatcher);
        Assert.Equal(CpuAffinity.AllowedCpus().Length, first.Handlers.Count);

        var cpus = new List<int>();
        foreach (DispatcherThread h in first.Handlers)
        {
            Assert.Equal(0, h.PinError);
            Assert.Equal($"uffd dispatch #{h.Index}", h.Thread!.Name);
            Assert.True(h.Thread.IsBackground);
            Assert.Equal(h.Cpu.ToString(), Status(h.ThreadId, "Cpus_allowed_list"));
            cpus.Add(h.Cpu);
        }

        Assert.Equal(cpus.Count, cpus.Distinct().Count());
        Assert.True(RegionRecorder.HasPattern(1, Faulter.Run(() => first.ReadPage(1)).Join()));
        Assert.True(RegionRecorder.HasPattern(3, Faulter.Run(() => second.ReadPage(3)).Join()));

        // Idle: every thread sleeps (S) inside epoll_wait, twice over a pause: not spinning.
        for (int look = 0; look < 2; look++)
        {
            Assert.True(Bounded.Until(() => first.Handlers.All(h => ThreadProbe.IsInEpollWait(h.ThreadId) && KernelThreadState.Of(h.ThreadId) == 'S')),
                "an idle dispatcher thread is not asleep in epoll_wait");
            Thread.Sleep(50);
        }
    }

    [Fact]
    public void Opening_and_disposing_regions_starts_and_stops_no_thread()
    {
        using var warm = TestRegion.Open(new RegionRecorder(1), TestRegion.Settings("Warm", 1));
        int before = ProcessThreads.CountNamed("uffd ");
        var regions = new List<FaultRegionEngine<RecordingCallbacks>>();
        for (int i = 0; i < 20; i++)
        {
            regions.Add(TestRegion.Open(new RegionRecorder(2), TestRegion.Settings($"NoThread{i}", 2)));
        }

        foreach (var region in regions)
        {
            Assert.Same(warm.Dispatcher, region.Dispatcher);
            Assert.True(RegionRecorder.HasPattern(1, Faulter.Run(() => region.ReadPage(1)).Join()));
        }

        // Every thread the toolkit starts is named "uffd ...": the same ones serve 21 regions as served one.
        Assert.Equal(before, ProcessThreads.CountNamed("uffd "));
        foreach (var region in regions)
        {
            region.Dispose();
        }

        Assert.Equal(before, ProcessThreads.CountNamed("uffd "));
        Assert.True(RegionRecorder.HasPattern(0, Faulter.Run(() => warm.ReadPage(0)).Join()), "disposing 20 regions disturbed the one left");
    }

    [Fact]
    public void An_explicit_thread_count_gives_the_region_a_dispatcher_of_its_own_stopped_with_it()
    {
        var region = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings("Three", 4) with { HandlerThreads = 3 });
        Assert.NotSame(FaultDispatcher.Shared, region.Dispatcher);
        Assert.Equal(3, region.Handlers.Count);
        Assert.Equal(new[] { "uffd Three #0", "uffd Three #1", "uffd Three #2" }, region.Handlers.Select(h => h.Thread!.Name));
        Assert.True(RegionRecorder.HasPattern(2, Faulter.Run(() => region.ReadPage(2)).Join()));
        Thread[] threads = region.Handlers.Select(h => h.Thread!).ToArray();
        region.Dispose();
        Assert.All(threads, t => Assert.False(t.IsAlive));
    }

    private static string Status(int tid, string key) =>
        File.ReadLines($"/proc/self/task/{tid}/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Split(':', 2)[1].Trim();
}
