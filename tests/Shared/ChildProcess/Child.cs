using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Xunit;

namespace Uffd.Tests.Shared;

/// <summary>Who a child process runs as. The test host is root with every capability.</summary>
internal enum Privilege
{
    /// <summary>The test host's own credentials.</summary>
    Root,
    /// <summary>Root, with CAP_SYS_PTRACE removed from every capability set.</summary>
    RootWithoutPtrace,
    /// <summary>uid/gid 65534 with no capabilities at all.</summary>
    Nobody,
}

/// <summary>What a child printed and how it ended (128 + signal number when a signal killed it).</summary>
internal sealed record ChildResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs a .NET app of the test output directory (<c>dotnet X.dll</c>) as a bounded child process: on expiry it is
/// killed and the test fails. Privileges are dropped with setpriv, which execs, so the child's pid is the app's.
/// </summary>
internal static class Child
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Setpriv = "/usr/bin/setpriv";

    public static ChildResult Run(string app, Privilege privilege, params string[] args)
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

        using Process process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(Timeout);
            Assert.Fail($"`{string.Join(' ', start.ArgumentList)}` did not exit within {Timeout.TotalSeconds} s and was killed.");
        }

        Assert.True(Task.WaitAll(new Task[] { stdout, stderr }, Timeout), "the child's output streams did not close");
        return new ChildResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The dotnet muxer of the runtime executing the tests (three levels above the framework directory).</summary>
    public static string DotnetHost { get; } = FindHost();

    private static IEnumerable<string> PrivilegeDrop(Privilege privilege)
    {
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
