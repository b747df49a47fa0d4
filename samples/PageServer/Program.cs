using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using PageServer;
using Uffd;
using Uffd.Regions;

// Usage: PageServer <socket path> <memory file> [--once]
// Listens on <socket path> for Firecracker's VMM (or client/fc_client): each connection brings a JSON array of guest
// memory mappings with the uffd of guest memory, and is served from <memory file> until the VMM exits. --once exits
// after the first VMM does; otherwise the server runs until SIGINT or SIGTERM.
if (args.Length < 2 || args.Length > 3 || (args.Length == 3 && args[2] != "--once"))
{
    Console.Error.WriteLine("usage: PageServer <socket path> <memory file> [--once]");
    return 2;
}

string socketPath = args[0];
bool once = args.Length == 3;
using var snapshot = new SnapshotFile(args[1]);
using var stopping = new CancellationTokenSource();
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// A socket file left by a handler that died is stale: the next handler takes the path over.
File.Delete(socketPath);
using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
listener.Bind(new UnixDomainSocketEndPoint(socketPath));
listener.Listen();
Console.WriteLine($"PageServer: listening on {socketPath}, serving {args[1]} ({snapshot.Length.ToString(CultureInfo.InvariantCulture)} bytes)");

var sessions = new List<Task>();
try
{
    do
    {
        Socket connection = await listener.AcceptAsync(stopping.Token);
        Task session = ServeAsync(connection, snapshot, stopping.Token);
        sessions.Add(session);
        if (once)
        {
            await session;
        }
    }
    while (!once);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // SIGINT or SIGTERM: the sessions stop too.
}

await Task.WhenAll(sessions);
File.Delete(socketPath);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

static async Task ServeAsync(Socket connection, SnapshotFile snapshot, CancellationToken stopping)
{
    using (connection)
    {
        RemoteMemory memory;
        try
        {
            memory = FirecrackerProtocol.Receive(connection);
        }
        catch (Exception e) when (e is UffdException or FormatException)
        {
            Console.Error.WriteLine($"PageServer: refused a connection: {e.Message}");
            return;
        }

        using (memory)
        {
            long bytes = 0;
            foreach (RemoteRange range in memory.Ranges)
            {
                bytes += range.Length;
            }

            Console.WriteLine($"PageServer: serving process {memory.ProcessId}: {memory.Ranges.Count} regions, {bytes >> 20} MiB in pages of {memory.PageSize} bytes");
            try
            {
                // ServeAsync returns when the process exits, having stopped serving (the region is disposed).
                FaultRegionStatistics served = memory.PageSize == Environment.SystemPageSize
                    ? await new GuestMemory(snapshot).ServeAsync(memory, stopping)
                    : await new HugeGuestMemory(snapshot).ServeAsync(memory, stopping);
                Console.WriteLine($"PageServer: process {memory.ProcessId} exited; {served.PagesFilled} pages served in {served.Messages} faults");
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine($"PageServer: stopped serving process {memory.ProcessId}");
            }
        }
    }
}
