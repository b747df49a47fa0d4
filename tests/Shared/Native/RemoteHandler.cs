using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace Uffd.Tests.Shared;

/// <summary>
/// The test process as a page-fault handler process for the C client: a memory file of random bytes, a listening Unix
/// socket, the client started against both, and the memory the client sends received (Firecracker's protocol).
/// </summary>
internal sealed class RemoteHandler : IDisposable
{
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(30);
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

    /// <summary>Closes the listening socket and removes its file: for a test whose handler is another process, which binds the path itself.</summary>
    public void CloseListener()
    {
        listener.Dispose();
        File.Delete(SocketPath);
    }

    /// <summary>Starts the client with these options after the socket and memory file ones.</summary>
    public Process StartClient(string options) =>
        FirecrackerClient.Start($"--socket {SocketPath} --memory-file {MemoryFile} {options}");

    /// <summary>Accepts the client's connection (bounded) and receives its memory.</summary>
    public (Socket Connection, RemoteMemory Memory) Accept()
    {
        using var timeout = new CancellationTokenSource(AcceptTimeout);
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

    public void Dispose()
    {
        listener.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}

