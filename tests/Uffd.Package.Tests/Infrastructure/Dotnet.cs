using System.Diagnostics;
using System.Threading.Tasks;

namespace Uffd.Package.Tests.Infrastructure;

/// <summary>What a command printed and how it ended.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>MSBuild's and the compiler's warnings, one per line as the console logger prints them.</summary>
    public string[] Warnings => Lines.Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToArray();

    public override string ToString() =>
        $"`{Command}` exited with {ExitCode} after {Elapsed.TotalSeconds:0} s\n--- output (stdout and stderr)\n{Output}";
}

/// <summary>
/// Runs the dotnet CLI, or a program it built, as a bounded child process. A command still running after its timeout
/// is killed with its whole tree and fails the test.
/// </summary>
internal static class Dotnet
{
    /// <summary>
    /// Runs <paramref name="program"/> in <paramref name="directory"/>. The child gets the test host's environment
    /// without MSBuild's and the test platform's variables (set for the build that started this test run, not for a
    /// new one), plus <paramref name="environment"/>.
    /// </summary>
    public static CommandResult Run(string program, IEnumerable<string> args, string directory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild node or build server may outlive the command: it would keep this test's output pipes open (and
        // the test waiting for them), and carry state from one command to the next.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        string command = $"{program} {string.Join(' ', args)}";
        var output = new System.Text.StringBuilder();
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        // Both streams into one, in the order the lines came, as a terminal would show them.
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
            lock (output)
            {
                Assert.Fail($"`{command}` did not finish within {timeout.TotalMinutes:0.#} min and was killed.\n{output}");
            }
        }

        // The exit is known; the streams end once every process that inherited them has exited too. Bounded, so a
        // straggler cannot hang the test, which then reports what was printed so far.
        Task.Run(() => process.WaitForExit()).Wait(TimeSpan.FromSeconds(30));
        lock (output)
        {
            return new CommandResult(command, process.ExitCode, output.ToString(), clock.Elapsed);
        }
    }
}
