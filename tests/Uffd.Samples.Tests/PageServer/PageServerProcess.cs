using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.PageServer;

/// <summary>
/// The PageServer sample running in the background (<c>dotnet PageServer.dll socket memory [--once]</c>), its lines
/// collected as they come, so a test can wait for one, kill it mid-run, or wait for it to exit, always with a bound.
/// </summary>
internal sealed class PageServerProcess : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly BlockingCollection<string> lines = [];
    private readonly ConcurrentQueue<string> all = new();

    public PageServerProcess(string socketPath, string memoryFile, bool once = true)
    {
        var start = new ProcessStartInfo(Child.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "PageServer.dll"), socketPath, memoryFile })
        {
            start.ArgumentList.Add(arg);
        }

        if (once)
        {
            start.ArgumentList.Add("--once");
        }

        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// Starts the server on <paramref name="files"/>' socket path (whose listener the test gives up) and memory file,
    /// and waits until it listens.
    /// </summary>
    public static PageServerProcess Listening(RemoteHandler files)
    {
        files.CloseListener();
        var server = new PageServerProcess(files.SocketPath, files.MemoryFile);
        if (!server.WaitForLine("listening"))
        {
            string output = server.Output;
            server.Dispose();
            Assert.Fail($"the page server did not start listening:\n{output}");
        }

        return server;
    }

    /// <summary>Everything it printed so far.</summary>
    public string Output => string.Join('\n', all);

    /// <summary>Waits for a line containing <paramref name="text"/>; false when none came within the bound.</summary>
    public bool WaitForLine(string text)
    {
        DateTime deadline = DateTime.UtcNow + Bound;
        while (lines.TryTake(out string? line, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero))
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits for it to exit; its exit code, or -1 after killing it when it overstayed the bound.</summary>
    public int WaitForExit()
    {
        if (!process.WaitForExit(Bound))
        {
            process.Kill();
            process.WaitForExit();
            return -1;
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGKILL: a handler that dies mid-run, with no chance to clean up.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
        lines.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            all.Enqueue(line);
            lines.Add(line);
        }
    }
}
