using System.Diagnostics;
using System.Net.Sockets;
using Uffd.Generators.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Generators.Tests.EndToEnd;

/// <summary>
/// A generated remote region (<c>[FaultRegion(Remote = true)]</c>), compiled in memory, serving the C client that plays
/// Firecracker's VMM: <c>ServeAsync</c> serves the client's memory from the file's bytes until the client exits, then
/// disposes the region.
/// </summary>
public sealed class RemoteRegionTests
{
    [Fact]
    public void ServeAsync_serves_every_byte_of_the_client_and_returns_when_it_exits()
    {
        const string Source = """
            using System;
            using Uffd;

            namespace E2E
            {
                [FaultRegion(Remote = true, ReadAhead = 7)]
                public sealed partial class GuestMemory
                {
                    private readonly byte[] file;

                    public GuestMemory(byte[] file) => this.file = file;

                    [PageProvider(WritesWholePage = true)]
                    private void Fill(long pageIndex, Span<byte> page) =>
                        file.AsSpan(checked((int)(pageIndex * page.Length)), page.Length).CopyTo(page);
                }

                public static class Scenario
                {
                    public static string Run()
                    {
                        var memory = (RemoteMemory)AppContext.GetData("E2E.RemoteMemory")!;
                        var guest = new GuestMemory((byte[])AppContext.GetData("E2E.File")!);
                        System.Threading.Tasks.Task serving = guest.ServeAsync(memory);
                        serving.GetAwaiter().GetResult();
                        return $"{guest.IsOpen} {memory.Ranges.Count}";
                    }
                }
            }
            """;

        using var handler = new RemoteHandler(512L * Environment.SystemPageSize);
        using Process client = handler.StartClient("--regions 2 --threads 4 --balloon");
        (Socket connection, RemoteMemory memory) = handler.Accept();
        using (connection)
        {
            AppContext.SetData("E2E.RemoteMemory", memory);
            AppContext.SetData("E2E.File", handler.Content);
            string result = InMemoryRegions.Run<string>(Source);

            // ServeAsync returned once the client exited, and disposed the region on its way out.
            Assert.Equal("False 2", result);
            (int exit, string output) = FirecrackerClient.Wait(client, TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, output);
            Assert.Contains("balloon=ok", output, StringComparison.Ordinal);
        }
    }
}
