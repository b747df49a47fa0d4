using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Runtime.Tests.Remote;

/// <summary>
/// This test process as a page-fault handler process for the C client: a memory file of random bytes, a listening Unix
/// socket, the client started against both, and the region opened from what the client sends (Firecracker's protocol).
/// </summary>
internal sealed class RemoteHandler : IDisposable
{
    private readonly string directory;
    private readonly Socket listener;

    public RemoteHandler(long fileBytes, int seed = 1)
    {
        directory = Directory.CreateTempSubdirectory("uffd-remote-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        Content = new byte[fileBytes];
        new Random(seed).NextBytes(Content);
        MemoryFile = Path.Combine(directory, "memory");
        File.WriteAllBytes(MemoryFile, Content);
        File.SetUnixFileMode(MemoryFile, (UnixFileMode)0b110_100_100);
        SocketPath = Path.Combine(directory, "handler.sock");
        listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen();
    }

    /// <summary>The memory file's content: what every guest byte must equal.</summary>
    public byte[] Content { get; }

    public string MemoryFile { get; }

    public string SocketPath { get; }

    /// <summary>Starts the client with these options after the socket and memory file ones.</summary>
    public Process StartClient(string options) =>
        FirecrackerClient.Start($"--socket {SocketPath} --memory-file {MemoryFile} {options}");

    /// <summary>Accepts the client's connection (bounded) and receives its memory.</summary>
    public (Socket Connection, RemoteMemory Memory) Accept()
    {
        using var timeout = new CancellationTokenSource(Bounded.Wait);
        Socket connection = listener.AcceptAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
        try
        {
            return (connection, FirecrackerProtocol.Receive(connection));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Settings of a remote region: Pages and Memory come from the ranges.</summary>
    public static FaultRegionSettings Settings(string name, int readAhead = 0) =>
        new(name, FaultMode.Missing, Pages: 0, ReadAhead: readAhead, ProviderMayPoison: false);

    /// <summary>True when <paramref name="task"/> completes within the bound.</summary>
    public static async Task<bool> Within(Task task) => await Task.WhenAny(task, Task.Delay(Bounded.Wait)) == task;

    public void Dispose()
    {
        listener.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>
/// A provider that copies the memory file's bytes: the page index is the file's page (a range's offset is its place in
/// the file). <see cref="Hold"/> makes a call for that page wait until the gate opens.
/// </summary>
internal sealed class FileProvider(byte[] file)
{
    public long Calls;

    public long Hold { get; init; } = -1;

    public ManualResetEventSlim Held { get; } = new();

    public ManualResetEventSlim Gate { get; } = new();

    public PageFill Fill(in PageFaultContext context, Span<byte> pages)
    {
        Interlocked.Increment(ref Calls);
        long offset = context.PageIndex * context.PageSize;
        if (context.PageIndex == Hold)
        {
            Held.Set();
            Gate.Wait(Bounded.Wait);
        }

        file.AsSpan(checked((int)offset), pages.Length).CopyTo(pages);
        return PageFill.Filled;
    }
}

internal readonly struct FileCallbacks(FileProvider provider) : IFaultRegionCallbacks
{
    public PageFill FillPage(in PageFaultContext context, Span<byte> page) => provider.Fill(in context, page);

    public void OnWriteFault(in PageFaultContext context)
    {
    }
}
