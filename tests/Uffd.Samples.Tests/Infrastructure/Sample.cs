using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace Uffd.Samples.Tests.Infrastructure;

/// <summary>What a sample printed and how it ended.</summary>
internal sealed record SampleResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs a sample exactly as a user would (<c>dotnet Sample.dll args</c>, from the test output directory, where the
/// project reference put it) as a bounded child process: on expiry it is killed and the test fails.
/// </summary>
internal static class Sample
{
    public static SampleResult Run(string name, params string[] args) => Run(name, TimeSpan.FromSeconds(60), null, args);

    public static SampleResult Run(string name, TimeSpan timeout, string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{name} did not finish within {timeout.TotalSeconds:0} s and was killed:\n{stdout.Result}\n{stderr.Result}");
        }

        return new SampleResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Whether this process can have a uffd that serves kernel-mode faults: read from the machine, not assumed.</summary>
    public static bool KernelFaultsHere()
    {
        try
        {
            using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { UserModeOnly = UserModeOnlyPolicy.Forbid, RevokeAccessOnClose = false });
            return true;
        }
        catch (UffdUnavailableException)
        {
            return false;
        }
    }
}
