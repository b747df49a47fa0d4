using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace Uffd.Tests.Shared;

/// <summary>
/// The C test partner of the page server (<c>samples/PageServer/client/fc_client.c</c>), compiled once per test run
/// with the machine's gcc into a directory every user can reach, and started as a process: it plays Firecracker's VMM
/// (maps guest memory, registers it with a uffd it sends to the handler's socket with the JSON mappings) and the guest
/// (touches every page and checks every byte against the memory file).
/// </summary>
internal static class FirecrackerClient
{
    private static readonly Lazy<string> Binary = new(Compile, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The compiled client.</summary>
    public static string Path => Binary.Value;

    /// <summary>Starts the client with <paramref name="arguments"/>, its output captured.</summary>
    public static Process Start(string arguments)
    {
        var info = new ProcessStartInfo(Path, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {Path}");
    }

    /// <summary>Waits (bounded) for the client, killing it when it overstays: a hang fails the test instead of CI.</summary>
    public static (int Exit, string Output) Wait(Process client, TimeSpan timeout)
    {
        var output = client.StandardOutput.ReadToEndAsync();
        var errors = client.StandardError.ReadToEndAsync();
        if (!client.WaitForExit(timeout))
        {
            client.Kill();
            client.WaitForExit();
            return (-1, $"fc_client did not finish within {timeout.TotalSeconds} s and was killed.\n{output.Result}{errors.Result}");
        }

        client.WaitForExit();
        return (client.ExitCode, output.Result + errors.Result);
    }

    private static string Compile()
    {
        string source = System.IO.Path.Combine(BuildMetadata.RepositoryRoot, "samples", "PageServer", "client", "fc_client.c");
        string dir = Directory.CreateTempSubdirectory("uffd-fc-client-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        string binary = System.IO.Path.Combine(dir, "fc_client");
        var gcc = Process.Start(new ProcessStartInfo("gcc", $"-std=gnu11 -O2 -pthread -Wall -Wextra -Werror -o {binary} {source}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("gcc is required to build the page server's C client; install gcc and the kernel headers.");
        string messages = gcc.StandardOutput.ReadToEnd() + gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc failed to compile {source} (exit {gcc.ExitCode}):\n{messages}");
        }

        File.SetUnixFileMode(binary, (UnixFileMode)0b111_101_101);
        return binary;
    }
}
