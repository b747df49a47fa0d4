using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Runtime.Tests.Remote;

/// <summary>
/// A region serving another process's memory, against the C client that plays Firecracker's VMM and guest: every byte
/// the client's threads touch must equal the memory file, through the balloon (REMOVE), a fork, an mremap and an
/// munmap, read-ahead cut at range ends, the client's death in the middle of a fault, and a change of handler.
/// </summary>
public sealed class RemoteRegionTests
{
    private static readonly int PageSize = Environment.SystemPageSize;
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Settings of a remote region: Pages and Memory come from the ranges.</summary>
    private static FaultRegionSettings Settings(string name, int readAhead = 0) =>
        new(name, FaultMode.Missing, Pages: 0, ReadAhead: readAhead, ProviderMayPoison: false);

    /// <summary>True when <paramref name="task"/> completes within the bound.</summary>
    private static async Task<bool> Within(Task task) => await Task.WhenAny(task, Task.Delay(Bounded.Wait)) == task;

    [Fact]
    public async Task Every_byte_is_served_from_four_threads_and_again_after_the_balloon()
    {
        using ServedClient served = ServedClient.Run(1024, seed: 1, "--regions 2 --threads 4 --balloon");
        Assert.Equal(2, served.Memory.Ranges.Count);
        Assert.Equal(served.ProcessId, served.Memory.ProcessId);
        Assert.Equal(PageSize, served.Memory.PageSize);
        Assert.Contains("balloon=ok", served.Output, StringComparison.Ordinal);

        // Every page once, and the balloon's 256 pages (the second half of the first region) again after REMOVE.
        Assert.Equal(1024 + 256, served.Region.Statistics.PagesFilled);
        Assert.True(await Within(served.Region.Ended), "the region did not see the client exit");
        Assert.Null(served.Region.LastRemoteError);
    }

    [Fact]
    public void Read_ahead_fills_runs_that_stop_at_the_end_of_each_range()
    {
        using ServedClient served = ServedClient.Run(1024, seed: 2, "--regions 4 --threads 1", readAhead: 15);

        // One thread in order: a fault per run of 16 pages, 16 runs per 256-page range, none crossing into the next.
        FaultRegionStatistics statistics = served.Region.Statistics;
        Assert.Equal(1024, statistics.PagesFilled);
        Assert.True(64 == statistics.MissingMessages, statistics.ToString());
    }

    [Fact]
    public void The_region_follows_an_mremap_and_an_munmap_of_the_client()
    {
        using ServedClient served = ServedClient.Run(512, seed: 3, "--regions 2 --threads 2 --remap --balloon");

        // The balloon ran over the moved region: its REMOVE named the new addresses, and the refills the right pages.
        Assert.Contains("remap=ok", served.Output, StringComparison.Ordinal);
        Assert.Equal(512 + 128, served.Region.Statistics.PagesFilled);
    }

    [Fact]
    [Trait("Requires", "root")] // UFFD_FEATURE_EVENT_FORK needs CAP_SYS_PTRACE in the client.
    public void A_forked_child_is_served_through_the_uffd_the_fork_event_brings()
    {
        using ServedClient served = ServedClient.Run(1024, seed: 4, "--regions 2 --threads 2 --fork");
        Assert.Contains("fork=ok", served.Output, StringComparison.Ordinal);

        // The child faulted the last quarter first, on its own uffd; the parent then faulted it on its own.
        FaultRegionEngine<FileCallbacks> fork = Assert.Single(served.Region.Forks);
        Assert.True(fork.IsRemote);
        Assert.Equal(256, fork.Statistics.PagesFilled);
        Assert.Equal(1024, served.Region.Statistics.PagesFilled);
        Assert.Null(served.Region.LastRemoteError);

        served.Region.Dispose();
        Assert.True(fork.Ended.IsCompleted, "disposing the region did not dispose its fork's");
    }

    [Fact]
    public async Task A_client_killed_in_the_middle_of_a_fault_ends_the_region_with_no_thread_left_waiting()
    {
        using var handler = new RemoteHandler(256L * PageSize, seed: 5);
        using Process client = handler.StartClient("--regions 1 --threads 4");
        (Socket connection, RemoteMemory memory) = handler.Accept();
        using (connection)
        {
            var provider = new FileProvider(handler.Content) { Hold = 6 };
            var region = FaultRegionEngine<FileCallbacks>.OpenRemote(new FileCallbacks(provider), Settings("Guest"), memory);
            try
            {
                Assert.True(provider.Held.Wait(Bounded.Wait), "the client never faulted on page 6");
                client.Kill();
                Assert.True(client.WaitForExit(Bounded.Wait));

                // Seen through the pidfd while the provider still holds the fault.
                Assert.True(await Within(region.Ended), "the region did not see the client die");
                provider.Gate.Set();

                // The held install finds the address space gone (ESRCH); the dead client's faults left with it, so
                // Dispose finds nothing waiting and does not sit out its drain bound.
                var dispose = Stopwatch.StartNew();
                region.Dispose();
                Assert.True(dispose.Elapsed < TimeSpan.FromSeconds(5), $"Dispose took {dispose.Elapsed}");
                Assert.Null(region.LastProviderError);
            }
            finally
            {
                provider.Gate.Set();
                region.Dispose();
            }
        }
    }

    [Fact]
    public async Task Without_a_process_id_the_end_is_seen_when_an_install_answers_ESRCH()
    {
        using var handler = new RemoteHandler(256L * PageSize, seed: 8);
        using Process client = handler.StartClient("--regions 1 --threads 2");
        (Socket connection, RemoteMemory received) = handler.Accept();
        using (connection)
        {
            // The same uffd and ranges, but no process to watch: only the kernel's answer can tell the end.
            var anonymous = new RemoteMemory(received.Uffd, received.Ranges, received.PageSize);
            var provider = new FileProvider(handler.Content) { Hold = 6 };
            var region = FaultRegionEngine<FileCallbacks>.OpenRemote(new FileCallbacks(provider), Settings("Guest"), anonymous);
            try
            {
                Assert.True(provider.Held.Wait(Bounded.Wait), "the client never faulted on page 6");
                client.Kill();
                Assert.True(client.WaitForExit(Bounded.Wait));
                Assert.False(region.Ended.IsCompleted, "the region ended before anything could tell it");

                // The held fault's COPY finds the address space gone.
                provider.Gate.Set();
                Assert.True(await Within(region.Ended), "ESRCH did not end the region");
            }
            finally
            {
                provider.Gate.Set();
                region.Dispose();
            }
        }
    }

    [Fact]
    public void A_fault_outside_every_declared_range_ends_the_client_and_says_why()
    {
        using var handler = new RemoteHandler(256L * PageSize, seed: 9);
        using Process client = handler.StartClient("--regions 2 --threads 1");
        (Socket connection, RemoteMemory received) = handler.Accept();
        using (connection)
        {
            // Only the first of the two ranges the client registered: a fault in the second has no page index, so no
            // provider can fill it, and the client's uffd has no POISON to fail the access with.
            var partial = new RemoteMemory(received.Uffd, [received.Ranges[0]], received.PageSize, received.ProcessId);
            using var region = FaultRegionEngine<FileCallbacks>.OpenRemote(new FileCallbacks(new FileProvider(handler.Content)), Settings("Guest"), partial);

            (int exit, string output) = FirecrackerClient.Wait(client, ClientTimeout);
            Assert.True(exit == 128 + 9, $"the client was not killed (exit {exit}):\n{output}");
            Assert.Contains("outside every range", region.LastRemoteError?.Message, StringComparison.Ordinal);
            Assert.Equal(128, region.Statistics.PagesFilled);
        }
    }

    [Fact]
    public void A_client_that_keeps_its_uffd_is_served_by_the_next_handler_after_one_goes()
    {
        using var handler = new RemoteHandler(512L * PageSize, seed: 6);
        using Process client = handler.StartClient("--regions 2 --threads 2 --reconnect --pace-us 500");
        var provider = new FileProvider(handler.Content);

        // The first handler serves a while, then goes: its region closes its descriptor, and its connection closes.
        (Socket first, RemoteMemory firstMemory) = handler.Accept();
        using (var region = FaultRegionEngine<FileCallbacks>.OpenRemote(new FileCallbacks(provider), Settings("Guest"), firstMemory))
        {
            Assert.True(Bounded.Until(() => region.Statistics.PagesFilled >= 64), "the first handler served nothing");
        }

        first.Dispose();
        long servedByFirst = Interlocked.Read(ref provider.Calls);

        // The client reconnects and sends its uffd again; faults raised meanwhile waited in it.
        (Socket second, RemoteMemory secondMemory) = handler.Accept();
        using (second)
        using (var region = FaultRegionEngine<FileCallbacks>.OpenRemote(new FileCallbacks(provider), Settings("Guest"), secondMemory))
        {
            (int exit, string output) = FirecrackerClient.Wait(client, ClientTimeout);
            Assert.True(exit == 0, output);
            Assert.Contains("reconnected", output, StringComparison.Ordinal);
            Assert.True(servedByFirst < 512, $"the first handler served all {servedByFirst} pages: nothing was left to hand over");
            Assert.Equal(512 - servedByFirst, region.Statistics.PagesFilled);
        }
    }

    [Fact]
    public async Task A_provider_reaches_its_region_through_the_lifetime_while_it_is_still_opening()
    {
        using var handler = new RemoteHandler(256L * PageSize, seed: 7);
        using Process client = handler.StartClient("--regions 1 --threads 4");
        (Socket connection, RemoteMemory memory) = handler.Accept();
        using (connection)
        {
            // Open registers the region with the meter last: holding the registry's lock stops it there, after the
            // region started serving, so the client's faults reach the provider while Serve has not returned. The
            // provider reads the generated members as generated code does (PageSize, through the lifetime).
            var lifetime = new FaultRegionLifetime<LifetimeCallbacks>("Guest", "Serve(memory)");
            var callbacks = new LifetimeCallbacks(lifetime, handler.Content);
            Task opening;
            using (RegionMetricsRegistry.HoldForTests())
            {
                opening = Task.Run(() => lifetime.OpenRemote(memory, callbacks, Settings("Guest") with { OnProviderError = ProviderErrorPolicy.ZeroFill }));
                Assert.True(Bounded.Until(() => callbacks.Calls[0] > 0), "no fault was served while Serve was starting");
                Assert.False(opening.IsCompleted, "Serve returned while the registry was held");
            }

            Assert.True(await Within(opening), "Serve did not return once the registry was free");
            try
            {
                (int exit, string output) = FirecrackerClient.Wait(client, ClientTimeout);
                Assert.True(exit == 0, output);
                Assert.Null(lifetime.Engine.LastProviderError);
                Assert.Equal(256, lifetime.Engine.Statistics.PagesFilled);
            }
            finally
            {
                lifetime.Dispose();
            }
        }
    }

    /// <summary>A provider as generated code calls it: through the class, whose members go through the lifetime.</summary>
    private readonly struct LifetimeCallbacks(FaultRegionLifetime<LifetimeCallbacks> lifetime, byte[] file) : IFaultRegionCallbacks
    {
        public readonly long[] Calls = new long[1];

        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            Interlocked.Increment(ref Calls[0]);
            long offset = context.PageIndex * lifetime.Engine.PageSize;
            file.AsSpan(checked((int)offset), page.Length).CopyTo(page);
            return PageFill.Filled;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }
    }

    /// <summary>
    /// A client run to its end against a remote region serving the memory file: the region, what the client sent and
    /// printed. The client's exit status is checked here (0: every byte matched).
    /// </summary>
    private sealed class ServedClient : IDisposable
    {
        private readonly RemoteHandler handler;
        private readonly Socket connection;

        private ServedClient(RemoteHandler handler, Socket connection, RemoteMemory memory, FaultRegionEngine<FileCallbacks> region)
        {
            this.handler = handler;
            this.connection = connection;
            Memory = memory;
            Region = region;
        }

        public RemoteMemory Memory { get; }

        public FaultRegionEngine<FileCallbacks> Region { get; }

        public string Output { get; private set; } = "";

        public int ProcessId { get; private set; }

        public static ServedClient Run(long pages, int seed, string clientOptions, int readAhead = 0)
        {
            var handler = new RemoteHandler(pages * PageSize, seed);
            using Process client = handler.StartClient(clientOptions);
            (Socket connection, RemoteMemory memory) = handler.Accept();
            var region = FaultRegionEngine<FileCallbacks>.OpenRemote(new FileCallbacks(new FileProvider(handler.Content)), Settings("Guest", readAhead), memory);
            var served = new ServedClient(handler, connection, memory, region) { ProcessId = client.Id };
            (int exit, string output) = FirecrackerClient.Wait(client, ClientTimeout);
            served.Output = output;
            if (exit != 0)
            {
                served.Dispose();
                Assert.Fail($"the client exited with {exit}:\n{output}");
            }

            return served;
        }

        public void Dispose()
        {
            Region.Dispose();
            connection.Dispose();
            handler.Dispose();
        }
    }
}
