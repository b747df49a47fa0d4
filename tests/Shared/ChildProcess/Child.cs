using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace Uffd.Tests.Shared;

/// <summary>
/// Who a child process runs as. The test host is root with every capability, or (the second CI run) nobody with none:
/// tests that need root carry <c>[Trait("Requires", "root")]</c> and that run leaves them out.
/// </summary>
internal enum Privilege
{
    /// <summary>The test host's own credentials: root, except in the run as nobody.</summary>
    Root,
    /// <summary>Root, with CAP_SYS_PTRACE removed from every capability set.</summary>
    RootWithoutPtrace,
    /// <summary>uid/gid 65534 with no capabilities at all.</summary>
    Nobody,
}

/// <summary>
/// When a child is killed: once it has run for <see cref="Total"/>, or once it has printed no line on stdout for
/// <see cref="Silence"/> (when set). A child whose every thread is stuck, a GC deadlock for one, prints nothing more,
/// so a child that reports progress line by line can be caught by the silence long before its total bound.
/// </summary>
internal sealed record Watchdog(TimeSpan Total, TimeSpan? Silence = null);

/// <summary>What a child printed and how it ended (128 + signal number when a signal killed it).</summary>
/// <param name="Killed">Null when the child exited by itself; otherwise why the watchdog killed it, and where its threads were.</param>
/// <param name="LastLineAt">When the child printed its last line on stdout, from its start (a hung child's last sign of life).</param>
internal sealed record ChildResult(int ExitCode, string Stdout, string Stderr, string? Killed = null, TimeSpan LastLineAt = default)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The last line the child printed on stdout, or null.</summary>
    public string? LastLine => Lines.LastOrDefault();

    public bool WasKilled => Killed is not null;

    public override string ToString() =>
        (Killed is null ? "" : $"killed by the watchdog: {Killed}\n") + $"exit code {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs a .NET app of the test output directory (<c>dotnet X.dll</c>) as a bounded child process: <see cref="Run"/>
/// kills it and fails the test when it outlives <see cref="Timeout"/>; <see cref="Watch"/> kills it by a
/// <see cref="Watchdog"/> and returns what it printed, so a test can tell a hang from a failure. Privileges are
/// dropped with setpriv, which execs, so the child's pid is the app's.
/// </summary>
internal static class Child
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Setpriv = "/usr/bin/setpriv";

    /// <summary>Runs the child to its end; a child still running after <see cref="Timeout"/> is killed and fails the test.</summary>
    public static ChildResult Run(string app, Privilege privilege, params string[] args)
    {
        ChildResult result = Watch(app, privilege, new Watchdog(Timeout), args);
        if (result.WasKilled)
        {
            Assert.Fail($"`{app} {string.Join(' ', args)}` did not exit within {Timeout.TotalSeconds} s and was killed.\n{result}");
        }

        return result;
    }

    /// <summary>Runs the child until it exits or <paramref name="watchdog"/> kills it (see <see cref="ChildResult.Killed"/>).</summary>
    public static ChildResult Watch(string app, Privilege privilege, Watchdog watchdog, params string[] args)
    {
        string dll = privilege == Privilege.Nobody ? NobodyReadable.App(app) : Path.Combine(AppContext.BaseDirectory, app + ".dll");
        string host = privilege == Privilege.Nobody ? NobodyReadable.DotnetHost : DotnetHost;
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references the project that builds it");

        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };

        // A child meant to die by a signal must not leave a core file behind.
        foreach (string arg in new[] { "-c", "ulimit -c 0 && exec \"$@\"", "sh" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string arg in PrivilegeDrop(privilege).Concat(new[] { host, dll }).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = "/tmp";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // No diagnostics IPC socket: faster start-up, and nothing for an unprivileged child to create.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";

        long started = Stopwatch.GetTimestamp();
        using Process process = Process.Start(start)!;
        var stdout = new StringBuilder();
        long lastLine = started;
        Task reader = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lock (stdout)
                {
                    stdout.Append(line).Append('\n');
                    lastLine = Stopwatch.GetTimestamp();
                }
            }
        });
        Task<string> stderr = process.StandardError.ReadToEndAsync();

        string? killed = null;
        while (!process.WaitForExit(50))
        {
            TimeSpan quiet;
            lock (stdout)
            {
                quiet = Stopwatch.GetElapsedTime(lastLine);
            }

            if (Stopwatch.GetElapsedTime(started) > watchdog.Total)
            {
                killed = $"still running after {watchdog.Total.TotalSeconds} s";
            }
            else if (watchdog.Silence is { } silence && quiet > silence)
            {
                killed = $"no line on stdout for {silence.TotalSeconds} s";
            }

            if (killed is not null)
            {
                killed += $" (pid {process.Id}); its threads then (10 samples in 0.5 s):\n{ThreadStates(process.Id)}";
                process.Kill(entireProcessTree: true);
                break;
            }
        }

        // Exited (or killed): wait for the exit to be reaped and for the pipes to drain, bounded.
        Assert.True(process.WaitForExit(Timeout), $"`{string.Join(' ', start.ArgumentList)}` survived SIGKILL for {Timeout.TotalSeconds} s");
        Assert.True(Task.WaitAll(new[] { reader, stderr }, Timeout), "the child's output streams did not close");
        lock (stdout)
        {
            return new ChildResult(process.ExitCode, stdout.ToString(), stderr.Result, killed, Stopwatch.GetElapsedTime(started, lastLine));
        }
    }

    /// <summary>
    /// One line per thread of a process: its name, then every state and kernel wait (wchan) it was seen in over a
    /// few samples. A thread that keeps being interrupted (a GC's suspension signals pull a thread out of its fault
    /// wait to run a handler, then it faults again) is not in the same place at every instant: one sample can miss it.
    /// </summary>
    public static string ThreadStates(int pid, int samples = 10, int intervalMs = 50)
    {
        var seen = new SortedDictionary<int, (string Name, List<string> Places)>();
        for (int i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                System.Threading.Thread.Sleep(intervalMs);
            }

            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories($"/proc/{pid}/task");
            }
            catch (IOException e)
            {
                return $"  (threads unreadable: {e.Message})";
            }

            foreach (string task in tasks)
            {
                try
                {
                    int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                    string comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    // The state follows the parenthesized name, which may itself hold spaces or parentheses.
                    char state = stat[(stat.LastIndexOf(')') + 2)..][0];
                    string wchan = File.ReadAllText(Path.Combine(task, "wchan")).Trim();
                    string place = $"{state} {(wchan is "" or "0" ? "-" : wchan)}";
                    if (!seen.TryGetValue(tid, out var thread))
                    {
                        seen[tid] = thread = (comm, new List<string>());
                    }

                    if (!thread.Places.Contains(place))
                    {
                        thread.Places.Add(place);
                    }
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }

        return string.Join('\n', seen.Select(t => $"  {t.Key,7} {t.Value.Name,-16} {string.Join(", ", t.Value.Places)}"));
    }

    /// <summary>The dotnet muxer of the runtime executing the tests (three levels above the framework directory).</summary>
    public static string DotnetHost { get; } = FindHost();

    /// <summary>
    /// True when the test host itself is uid 65534 without any capability: a child then already runs as
    /// <see cref="Privilege.Nobody"/>, and setpriv could not drop what it does not have (changing the bounding set
    /// needs CAP_SETPCAP).
    /// </summary>
    public static bool HostIsNobody { get; } = ReadHostIsNobody();

    private static bool ReadHostIsNobody()
    {
        string status = File.ReadAllText("/proc/self/status");
        string Field(string name) => status.Split('\n').First(line => line.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();
        return Field("Uid:").Split('\t').All(id => id == "65534") && Field("CapEff:").Trim('0').Length == 0;
    }

    private static IEnumerable<string> PrivilegeDrop(Privilege privilege)
    {
        if (privilege == Privilege.Nobody && HostIsNobody)
        {
            return Array.Empty<string>();
        }

        if (privilege != Privilege.Root)
        {
            Assert.True(File.Exists(Setpriv), $"{Setpriv} (util-linux) is needed to drop privileges for the ladder tests");
        }

        return privilege switch
        {
            // Root regains every capability of the bounding set on exec, so the capability must leave the bounding set.
            Privilege.RootWithoutPtrace => new[] { Setpriv, "--inh-caps=-sys_ptrace", "--bounding-set=-sys_ptrace", "--" },
            Privilege.Nobody => new[]
            {
                Setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--",
            },
            _ => Array.Empty<string>(),
        };
    }

    private static string FindHost()
    {
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string muxer = Path.Combine(root, "dotnet");
        if (File.Exists(muxer))
        {
            return muxer;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
    }
}
