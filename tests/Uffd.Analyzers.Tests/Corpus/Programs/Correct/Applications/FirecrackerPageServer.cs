using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Uffd;
using Uffd.Regions;

namespace Corpus.FirecrackerPageServer;

/// <summary>A page-fault handler process: a VMM's guest memory, served from the snapshot's memory file.</summary>
[FaultRegion(Remote = true, ReadAhead = 15, ReadAheadMode = ReadAheadMode.Sequential)]
public sealed partial class GuestMemory(byte[] snapshot)
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> pages) =>
        snapshot.AsSpan(checked((int)(pageIndex * PageSize)), pages.Length).CopyTo(pages);
}

public static class Program
{
    public static async Task<long> ServeAsync(Socket vmm, byte[] snapshot, CancellationToken cancellationToken)
    {
        RemoteMemory memory = FirecrackerProtocol.Receive(vmm);
        var guest = new GuestMemory(snapshot);
        Console.WriteLine($"serving {memory.Ranges.Count} regions of process {memory.ProcessId}");
        FaultRegionStatistics served = await guest.ServeAsync(memory, cancellationToken);
        return served.PagesFilled;
    }
}
