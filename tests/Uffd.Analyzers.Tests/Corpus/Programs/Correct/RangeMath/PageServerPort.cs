using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Uffd;

namespace Corpus.PageServerPort;

[FaultRegion(Pages = 256, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Pages
{
    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page) =>
        BinaryPrimitives.WriteInt64LittleEndian(page, context.PageIndex);
}

/// <summary>Serves pages of a region over TCP: the client sends a page index, the server answers the page.</summary>
public sealed class PageServer : IDisposable
{
    public const int DefaultPort = 4096;

    private readonly Pages _pages = new();
    private readonly TcpListener _listener;

    public PageServer(int port = DefaultPort)
    {
        _pages.Open();
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.ReceiveBufferSize = 4096;
        _listener.Start();
    }

    public void ServeOne()
    {
        using TcpClient client = _listener.AcceptTcpClient();
        using NetworkStream stream = client.GetStream();
        Span<byte> request = stackalloc byte[8];
        stream.ReadExactly(request);
        long index = BinaryPrimitives.ReadInt64LittleEndian(request);
        byte[] page = new byte[_pages.PageSize];
        if (index >= 0 && index < _pages.PageCount)
        {
            _pages.Read(index * _pages.PageSize, page);
        }

        stream.Write(page);
    }

    public void Dispose()
    {
        _listener.Stop();
        _pages.Dispose();
    }
}
