using System.IO;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;
using Uffd.Runtime.Tests.Lifetime;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>The default thread strategy: one handler per CPU, pinned, named, sleeping in poll when idle.</summary>
public sealed class HandlerThreadTests
{
    [Fact]
    public void By_default_there_is_one_handler_per_cpu_each_pinned_named_and_asleep_in_poll()
    {
        using var region = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings("Pinned", 4));
        Assert.Equal(Environment.ProcessorCount, region.Handlers.Length);

        var cpus = new List<int>();
        foreach (RegionHandlerThread h in region.Handlers)
        {
            Assert.Equal(0, h.PinError);
            Assert.Equal($"uffd Pinned #{h.Index}", h.Thread!.Name);
            Assert.True(h.Thread.IsBackground);
            Assert.Equal(h.Cpu.ToString(), Status(h.ThreadId, "Cpus_allowed_list"));
            cpus.Add(h.Cpu);
        }

        Assert.Equal(cpus.Count, cpus.Distinct().Count());

        // Idle: every handler sleeps (S) inside poll, twice over a pause: not spinning.
        for (int look = 0; look < 2; look++)
        {
            Assert.True(Bounded.Until(() => region.Handlers.All(h => ThreadProbe.IsInPoll(h.ThreadId) && KernelThreadState.Of(h.ThreadId) == 'S')),
                "an idle handler is not asleep in poll");
            Thread.Sleep(50);
        }
    }

    [Fact]
    public void An_explicit_thread_count_is_honoured()
    {
        using var region = TestRegion.Open(new RegionRecorder(4), TestRegion.Settings("Three", 4) with { HandlerThreads = 3 });
        Assert.Equal(3, region.Handlers.Length);
        Assert.Equal(new[] { "uffd Three #0", "uffd Three #1", "uffd Three #2" }, region.Handlers.Select(h => h.Thread!.Name));
        Assert.True(RegionRecorder.HasPattern(2, Faulter.Run(() => region.ReadPage(2)).Join()));
    }

    private static string Status(int tid, string key) =>
        File.ReadLines($"/proc/self/task/{tid}/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Split(':', 2)[1].Trim();
}
