using System.Threading;
using System.Diagnostics;
using System.IO;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.PageServer;

/// <summary>
/// The PageServer sample as Firecracker would use it, against the C client written to the VMM's side of the protocol
/// (it maps guest memory, registers it with a uffd, sends the uffd with the JSON mappings, touches every page from
/// several threads and checks every byte against the memory file): through a balloon, with huge pages, when the
/// client dies, and when the handler dies mid-run and another takes over.
/// </summary>
public sealed class PageServerSampleTests
{
    private static readonly TimeSpan ClientBound = TimeSpan.FromSeconds(60);
    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void The_server_serves_every_byte_to_four_threads_and_again_after_the_balloon_then_exits_with_the_client()
    {
        using var files = new RemoteHandler(2048L * PageSize, seed: 11);
        using PageServerProcess server = PageServerProcess.Listening(files);

        using Process client = files.StartClient("--regions 2 --threads 4 --balloon");
        (int exit, string output) = FirecrackerClient.Wait(client, ClientBound);

        Assert.True(exit == 0, output + "\n" + server.Output);
        Assert.Contains("balloon=ok", output, StringComparison.Ordinal);
        Assert.Equal(0, server.WaitForExit());

        // Every page once, then the balloon's 512 pages (the second half of the first region) again.
        Assert.Contains($"process {client.Id} exited; {2048 + 512} pages served", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_that_is_not_a_VMM_is_refused_and_the_server_goes_on_to_serve_the_next()
    {
        using var files = new RemoteHandler(256L * PageSize, seed: 15);
        using PageServerProcess server = PageServerProcess.Listening(files);

        // A peer that sends JSON without the uffd, and one that connects and sends nothing, then goes.
        using (var stranger = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            stranger.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(files.SocketPath));
            stranger.Send("[{\"base_host_virt_addr\":4096,\"size\":4096,\"offset\":0}]"u8);
            Assert.True(server.WaitForLine("without the uffd of guest memory"), server.Output);
        }

        var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        silent.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(files.SocketPath));

        // --once means the first VMM served: the server is still there for the client.
        using Process client = files.StartClient("--regions 1 --threads 2");
        (int exit, string output) = FirecrackerClient.Wait(client, ClientBound);
        Assert.True(exit == 0, output + "\n" + server.Output);
        silent.Dispose();
        Assert.Equal(0, server.WaitForExit());
        Assert.Contains($"process {client.Id} exited; 256 pages served", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_killed_mid_run_ends_its_session_and_the_server_exits()
    {
        using var files = new RemoteHandler(4096L * PageSize, seed: 12);
        using PageServerProcess server = PageServerProcess.Listening(files);

        using Process client = files.StartClient("--regions 1 --threads 2 --pace-us 2000");
        Assert.True(server.WaitForLine("serving process"), server.Output);
        Thread.Sleep(200);
        client.Kill();
        client.WaitForExit();

        // The uffd never says its process is gone: the server learns it from the process's pidfd.
        Assert.Equal(0, server.WaitForExit());
        Assert.Contains($"process {client.Id} exited", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_killed_mid_run_is_replaced_and_the_client_finishes_with_every_byte_right()
    {
        using var files = new RemoteHandler(4096L * PageSize, seed: 13);
        using PageServerProcess first = PageServerProcess.Listening(files);

        // The client keeps its own copy of the uffd (as Firecracker's VMM does) and reconnects when the handler goes.
        using Process client = files.StartClient("--regions 2 --threads 2 --reconnect --pace-us 300");
        Assert.True(first.WaitForLine("serving process"), first.Output);
        Thread.Sleep(200);
        first.Kill();

        // Faults the dead handler read but never served wait in the uffd; the next handler wakes them when it starts.
        using var second = new PageServerProcess(files.SocketPath, files.MemoryFile);
        (int exit, string output) = FirecrackerClient.Wait(client, ClientBound);

        Assert.True(exit == 0, output + "\n" + first.Output + "\n" + second.Output);
        Assert.Contains("reconnected", output, StringComparison.Ordinal);
        Assert.Equal(0, second.WaitForExit());
        Assert.Contains($"process {client.Id} exited", second.Output, StringComparison.Ordinal);
    }
}

/// <summary>Huge pages (root: <see cref="HugePageReservation"/> raises vm.nr_hugepages).</summary>
[Trait("Requires", "root")]
public sealed class PageServerHugePageTests(HugePageReservation hugePages) : IClassFixture<HugePageReservation>
{
    [Fact]
    public void Guest_memory_in_huge_pages_is_served_a_huge_page_per_fault()
    {
        const int HugePage = 2 << 20;
        Assert.True(hugePages.Needed >= 4);
        using var files = new RemoteHandler(4L * HugePage, seed: 14);
        using PageServerProcess server = PageServerProcess.Listening(files);

        using Process client = files.StartClient($"--regions 2 --threads 2 --page-size {HugePage} --balloon");
        (int exit, string output) = FirecrackerClient.Wait(client, TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output + "\n" + server.Output);
        Assert.Equal(0, server.WaitForExit());
        Assert.Contains($"pages of {HugePage} bytes", server.Output, StringComparison.Ordinal);

        // Four huge pages, then the balloon's one again.
        Assert.Contains($"process {client.Id} exited; 5 pages served in 5 faults", server.Output, StringComparison.Ordinal);
    }
}
