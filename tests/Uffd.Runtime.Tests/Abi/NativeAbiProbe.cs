using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using Uffd.Tests.Shared;

namespace Uffd.Runtime.Tests.Abi;

/// <summary>One value the C program prints: <c>name=value</c>, computed by gcc from <see cref="Expression"/>.</summary>
internal sealed record NativeSymbol(string Name, string Expression);

/// <summary>What the compiled program printed, and the uapi include directory it was compiled against.</summary>
internal sealed record NativeAbi(IReadOnlyDictionary<string, long> Values, string IncludeDirectory);

/// <summary>
/// Writes a C program that prints every size, offset and constant the runtime hardcodes, compiles it with the
/// machine's gcc and runs it once per test run. Every value comes from a real <c>&lt;linux/userfaultfd.h&gt;</c>: the
/// system's when it covers the whole ABI (up to UFFDIO_MOVE, Linux 6.8), else newer uapi headers that
/// <c>tests/tools/uapi-include.sh</c> unpacks from Debian's linux-libc-dev (Debian 12 ships 6.1 headers).
/// </summary>
internal static class NativeAbiProbe
{
    private static readonly Lazy<NativeAbi> Compiled = new(CompileAndRun, LazyThreadSafetyMode.ExecutionAndPublication);

    public static NativeAbi Result => Compiled.Value;

    private static NativeAbi CompileAndRun()
    {
        string dir = Directory.CreateTempSubdirectory("uffd-abi-").FullName;
        string source = Path.Combine(dir, "abi.c");
        string binary = Path.Combine(dir, "abi");
        File.WriteAllText(source, GenerateSource());

        string include = UapiIncludeDirectory();
        string includeArguments = include.Length == 0 ? string.Empty : $"-I{include} -I{include}/{Multiarch()} ";
        (int gccExit, string gccOut, string gccErr) compile;
        try
        {
            compile = Run("gcc", $"-std=gnu11 -Wall -Werror {includeArguments}-o {binary} {source}",
                "gcc is required: the ABI test compiles a C program against the installed <linux/userfaultfd.h> to check every " +
                "struct layout and constant of the runtime. Install gcc and the kernel headers (Debian: apt-get install gcc linux-libc-dev).");
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }

        if (compile.gccExit != 0)
        {
            // The directory stays so the failing source can be inspected.
            throw new InvalidOperationException($"gcc failed to compile {source} (exit {compile.gccExit}):\n{compile.gccOut}{compile.gccErr}");
        }

        (int exit, string output, string errors) = Run(binary, string.Empty, $"could not start {binary}");
        if (exit != 0 || errors.Length > 0)
        {
            throw new InvalidOperationException($"{binary} exited with {exit}:\n{output}{errors}");
        }

        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            values.Add(line[..eq], long.Parse(line[(eq + 1)..], CultureInfo.InvariantCulture));
        }

        int expected = AbiTable.Symbols.Count;
        if (values.Count != expected)
        {
            throw new InvalidOperationException($"{binary} printed {values.Count} values, expected {expected}:\n{output}");
        }

        Directory.Delete(dir, recursive: true);
        return new NativeAbi(values, include.Length == 0 ? "/usr/include" : include);
    }

    private static string GenerateSource()
    {
        var c = new StringBuilder();
        c.AppendLine("#define _GNU_SOURCE");
        foreach (string header in new[]
        {
            "linux/userfaultfd.h", "linux/fs.h", "sys/statfs.h", "sys/mman.h", "fcntl.h", "sys/eventfd.h", "poll.h", "errno.h",
            "sys/ioctl.h", "sys/syscall.h", "sys/socket.h", "stddef.h", "stdint.h", "stdio.h",
        })
        {
            c.Append("#include <").Append(header).AppendLine(">");
        }

        c.AppendLine();
        c.AppendLine("static void emit(const char *name, long long value)");
        c.AppendLine("{");
        c.AppendLine("    printf(\"%s=%lld\\n\", name, value);");
        c.AppendLine("}");
        c.AppendLine();
        c.AppendLine("int main(void)");
        c.AppendLine("{");
        foreach (NativeSymbol symbol in AbiTable.Symbols)
        {
            c.Append("    emit(\"").Append(symbol.Name).Append("\", (long long)(").Append(symbol.Expression).AppendLine("));");
        }

        c.AppendLine("    return 0;");
        c.AppendLine("}");
        return c.ToString();
    }

    /// <summary>Runs tests/tools/uapi-include.sh: empty when the system header is recent enough.</summary>
    private static string UapiIncludeDirectory()
    {
        string script = Path.Combine(BuildMetadata.RepositoryRoot, "tests", "tools", "uapi-include.sh");
        (int exit, string output, string errors) = Run("bash", script, "bash is required to locate the uapi headers");
        if (exit != 0)
        {
            throw new InvalidOperationException(
                $"No <linux/userfaultfd.h> covering Linux 6.8 (UFFDIO_MOVE) is available: {errors.Trim()}");
        }

        return output.Trim();
    }

    private static string Multiarch()
    {
        (int exit, string output, _) = Run("gcc", "-print-multiarch", "gcc is required");
        return exit == 0 && output.Trim().Length > 0 ? output.Trim() : "x86_64-linux-gnu";
    }


    private static (int Exit, string Output, string Errors) Run(string program, string arguments, string missingMessage)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException(missingMessage);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{missingMessage} ({program}: {e.Message})", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit((int)TimeSpan.FromMinutes(2).TotalMilliseconds))
            {
                process.Kill();
                throw new InvalidOperationException($"{program} {arguments} did not finish within 2 minutes");
            }

            return (process.ExitCode, stdout, stderr.Result);
        }
    }
}
