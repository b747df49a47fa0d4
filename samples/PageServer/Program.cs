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

// Each VMM is served on its own; with --once, the first VMM served ends the server when it exits. A connection that
// is not a VMM's (no uffd, bad JSON) is refused and ends nothing.
var sessions = new List<Task>();
using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
try
{
    while (true)
    {
        Socket connection = await listener.AcceptAsync(done.Token);

        // On the thread pool: receiving the mappings blocks, and a peer that connects and sends nothing must not
        // keep the next VMM from connecting. Sessions that ended are forgotten, so a server that runs for long keeps
        // only those still serving.
        sessions.RemoveAll(static s => s.IsCompleted);
        sessions.Add(Task.Run(async () =>
        {
            if (await ServeAsync(connection, snapshot, stopping.Token) && once)
            {
                done.Cancel();
            }
        }));
    }
}
catch (OperationCanceledException) when (done.IsCancellationRequested)
{
    // SIGINT or SIGTERM (the sessions stop too), or the --once VMM exited.
}

// Sessions still serving stop with the token; a peer that never sent anything is not waited for.
await Task.WhenAny(Task.WhenAll(sessions), Task.Delay(TimeSpan.FromSeconds(5)));
File.Delete(socketPath);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

// Serves one VMM until it exits; false when the connection was not a VMM's (nothing was served).
static async Task<bool> ServeAsync(Socket connection, SnapshotFile snapshot, CancellationToken stopping)
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
            return false;
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
            catch (ArgumentException e)
            {
                // Pages this server cannot serve (1 GiB huge pages, say): refused before anything was served.
                Console.Error.WriteLine($"PageServer: refused process {memory.ProcessId}: {e.Message}");
                return false;
            }

            return true;
        }
    }
}
