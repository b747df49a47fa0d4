using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;

namespace Uffd.Tests.Shared;

/// <summary>
/// A real object store on loopback: Azurite's Blob server (tools/azurite, installed by its install.sh on first use),
/// listening on 127.0.0.1 at a port the kernel picks, with its data in a fresh directory of this user's temp folder
/// (so root and nobody each get one they own). <see cref="StopAsync"/> and <see cref="RestartAsync"/> take the server
/// down and bring it back on the same port with the same data, for tests of what a client sees meanwhile.
/// </summary>
/// <remarks>
/// The server never outlives its test host. <see cref="DisposeAsync"/> kills it and deletes its data; so does the
/// host's exit when a test forgot to dispose. When the host is killed hard (SIGKILL, a crash), the server's stdin, a
/// pipe whose write end only the host holds, reaches end-of-file: tools/azurite/exit-with-host.js, preloaded into the
/// server, then deletes the data directory and exits. Only a server already stopped by <see cref="StopAsync"/> when
/// its host is killed hard leaves its directory (<c>uffd-azurite-*</c>) behind.
/// </remarks>
internal sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account; its key is public and the same on every installation.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How long the server may take from process start to answering its first request (it takes about 1 s).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private const int SigTerm = 15;

    // npm ci takes 10 to 40 s here with a warm npm cache.
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private static readonly string ToolDirectory = Path.Combine(BuildMetadata.RepositoryRoot, "tools", "azurite");
    private static readonly Lazy<Task> Install = new(InstallAsync);

    private readonly StringBuilder output = new();
    private readonly EventHandler onProcessExit;
    private Process? server;

    private AzuriteServer(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        onProcessExit = (_, _) => KillAndDelete();
        AppDomain.CurrentDomain.ProcessExit += onProcessExit;
    }

    /// <summary>Where the server keeps its blobs; it survives <see cref="StopAsync"/> and is deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback port, the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>From the process's start to the first request it served, for the last start or restart.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The account's Blob endpoint, path-style: <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>What the server printed on stdout and stderr, over every start.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Installs Azurite if needed (once per process), then starts a server and waits until it serves a request.</summary>
    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        await Install.Value.WaitAsync(cancellationToken);
        // Mode 0700, owned by whoever runs the tests, under $TMPDIR or /tmp.
        var server = new AzuriteServer(Directory.CreateTempSubdirectory("uffd-azurite-").FullName);
        try
        {
            await server.LaunchAsync(port: 0, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Options for clients that must see a dead server at once. The Blob SDK's defaults retry 5 times with exponential
    /// back-off from 0.8 s and wait up to 100 s for a response: a read from a stopped server fails after about 23 s
    /// (measured). A loopback server answers in a millisecond or is gone, so: no retry (a pooled connection that the
    /// server closed while idle is retried on a fresh one by HttpClient itself, below this policy; a single retry
    /// would add its 0.8 s delay and turn the error into an AggregateException of both tries), and a 5 s network
    /// timeout, the bound for a server that accepts connections but has stopped answering (it applies to each try's
    /// send and response headers, and to each read of a streamed body).
    /// </summary>
    public static BlobClientOptions FailFastOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    /// <summary>A client of the development account with <see cref="FailFastOptions"/>.</summary>
    public BlobServiceClient CreateServiceClient() => new(ConnectionString, FailFastOptions());

    /// <summary>
    /// Stops the server as an operator would (SIGTERM); its data stays for <see cref="RestartAsync"/>. Not SIGKILL:
    /// Azurite keeps its containers and blobs' metadata in LokiJS files saved every 5 s and on close, so a killed
    /// server forgets what it was told in its last seconds (a restart then finds no container).
    /// </summary>
    public async Task StopAsync()
    {
        Process? stopping = server;
        server = null;
        if (stopping is not null)
        {
            await EndAsync(stopping, graceful: true);
        }
    }

    /// <summary>Starts the server again on the same port with the same data, and waits until it serves a request.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await LaunchAsync(Port, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= onProcessExit;
        Process? running = server;
        server = null;
        if (running is not null)
        {
            // Its data goes too: no need for a graceful stop.
            await EndAsync(running, graceful: false);
        }

        DeleteDataDirectory();
    }

    private async Task LaunchAsync(int port, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StartTimeout);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        foreach (string arg in new[]
        {
            "--require", Path.Combine(ToolDirectory, "exit-with-host.js"),
            Path.Combine(ToolDirectory, "node_modules", ".bin", "azurite-blob"),
            "--blobHost", "127.0.0.1",
            "--blobPort", port.ToString(CultureInfo.InvariantCulture),
            "--location", DataDirectory,
            // No access log; Azurite still prints where it listens, which is how a port of 0 becomes known.
            "--silent",
            // The SDK speaks the newest service version, which Azurite may not know yet.
            "--skipApiVersionCheck",
            // Ignore headers and parameters Azurite does not implement instead of failing the request.
            "--loose",
            // Telemetry would reach for the network, which tests never do.
            "--disableTelemetry",
            // The account is the path's first segment, never a host name's first label.
            "--disableProductStyleUrl",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["UFFDGEN_AZURITE_DATA"] = DataDirectory;

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(e.Data, listening);
        process.ErrorDataReceived += (_, e) => Record(e.Data, listening: null);
        long started = Stopwatch.GetTimestamp();
        process.Start();
        server = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Task exited = process.WaitForExitAsync(bound.Token);
            if (await Task.WhenAny(listening.Task, exited) == exited)
            {
                await exited;   // throws if the bound ran out
                throw Failure($"Azurite exited with code {process.ExitCode} before it listened");
            }

            Port = await listening.Task;
            await WaitUntilServingAsync(bound.Token);
            StartupTime = Stopwatch.GetElapsedTime(started);
        }
        catch (Exception e)
        {
            server = null;
            await EndAsync(process, graceful: false);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw Failure($"Azurite did not serve a request within {StartTimeout.TotalSeconds} s of its start");
            }

            throw;
        }
    }

    /// <summary>Listening is not serving yet: a real, authenticated request must succeed (the service's properties).</summary>
    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        BlobServiceClient client = CreateServiceClient();
        while (true)
        {
            try
            {
                await client.GetPropertiesAsync(cancellationToken);
                return;
            }
            catch (RequestFailedException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private void Record(string? line, TaskCompletionSource<int>? listening)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }

        if (listening is not null && ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        }
    }

    private InvalidOperationException Failure(string what) =>
        new($"{what} (data in {DataDirectory}).\n--- Azurite's output\n{Output}");

    private static async Task EndAsync(Process process, bool graceful)
    {
        if (graceful && !process.HasExited)
        {
            _ = SendSignal(process.Id, SigTerm);
            if (await ExitsWithinAsync(process, ExitTimeout))
            {
                process.Dispose();
                return;
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        // Reaped before Dispose closes its stdin: a live server takes that for its host's end and deletes its data.
        if (!await ExitsWithinAsync(process, ExitTimeout))
        {
            throw new InvalidOperationException($"Azurite (pid {process.Id}) survived SIGKILL for {ExitTimeout.TotalSeconds} s");
        }

        process.Dispose();
        if (graceful)
        {
            throw new InvalidOperationException(
                $"Azurite did not stop within {ExitTimeout.TotalSeconds} s of SIGTERM and was killed: its last seconds of metadata may be lost");
        }
    }

    private static async Task<bool> ExitsWithinAsync(Process process, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: that would oblige every project linking this file to allow unsafe code.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    private void KillAndDelete()
    {
        try
        {
            server?.Kill(entireProcessTree: true);
            server?.WaitForExit(ExitTimeout);
        }
        catch (InvalidOperationException)
        {
        }

        DeleteDataDirectory();
    }

    private void DeleteDataDirectory()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static async Task InstallAsync()
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ToolDirectory, "install.sh"));
        using Process install = Process.Start(start)!;
        Task<string> stdout = install.StandardOutput.ReadToEndAsync();
        Task<string> stderr = install.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(InstallTimeout);
        try
        {
            await install.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            install.Kill(entireProcessTree: true);
            install.WaitForExit(ExitTimeout);
            throw new InvalidOperationException($"tools/azurite/install.sh did not finish within {InstallTimeout.TotalMinutes} minutes:\n{await stdout}{await stderr}");
        }

        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"tools/azurite/install.sh failed with exit code {install.ExitCode}:\n{await stdout}{await stderr}");
        }
    }

    [GeneratedRegex(@"successfully listens on http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
