using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit.Abstractions;
using Uffd.Tests.Shared;

namespace Uffd.Benchmarks.Tests;

/// <summary>
/// The one-iteration smoke pass of the benchmarks (bench/run.sh --smoke): the C reference is built with gcc, then
/// every benchmark case runs once at small sizes against the real kernel, with every page checked by both
/// implementations. The figures are not judged here (a Debug build, one iteration, a busy CI machine); that every
/// case ran, checked and was reported is.
/// </summary>
// Root only: the benchmarks compare the regions with the C reference on uffds that serve kernel-mode faults (the C
// reference asks for one, and the regions keep UserModeOnly = Forbid), which needs CAP_SYS_PTRACE while
// vm.unprivileged_userfaultfd is 0; they also build into bench/native and write artifacts/bench in the tree.
[Trait("Requires", "root")]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void C_reference_library_passes_its_own_tests()
    {
        // build.sh --test: every scenario prepared, executed and finished repeatedly through dlopen with fd, thread
        // and mapping counts checked, and failing handlers proven to end in an error instead of a hang.
        (int exit, string stdout) = Run(BuildMetadata.RepositoryRoot, "bash", Path.Combine(BuildMetadata.RepositoryRoot, "bench", "native", "build.sh"), "--test");
        Assert.Equal(0, exit);
        Assert.Matches(new Regex("^test_lib: 26 scenarios .*: ok$", RegexOptions.Multiline), stdout);
        Assert.Contains("test_fail: ok", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Smoke_pass_runs_every_case_and_prints_the_comparison()
    {
        string root = BuildMetadata.RepositoryRoot;
        Run(root, "bash", Path.Combine(root, "bench", "native", "build.sh"));
        string program = Path.Combine(AppContext.BaseDirectory, "Uffd.Benchmarks.dll");
        (int exit, string stdout) = Run(root, "dotnet", program, "--smoke");
        Assert.Equal(0, exit);

        Match ran = Regex.Match(stdout, @"^(\d+) benchmark cases ran; targets met: (\d+) of (\d+)$", RegexOptions.Multiline);
        Assert.True(ran.Success, "no closing line");
        // RoundTrip 5, SequentialScan 4 x 3, AnonymousWrite 2, FaultingThreads 2 x 2 x 2, WriteProtect 3, Minor 3,
        // SpanAccess 3 x 6, SpanAccessPresent 2 x 5, WriteTrackingCost 5 x 2, GeneratorBenchmarks 2.
        Assert.Equal(76, int.Parse(ran.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(ran.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) >= 28, "targets missing from the report");
        foreach (string section in new[]
                 {
                     "### Random MISSING round trip", "### Sequential scan", "### Faulting threads", "### Write-protect and minor",
                     "### Span access against Read, fresh pages", "### Span access against Read, pages already present", "### Write tracking",
                     "### Paired runs: span access back to back with `Read`",
                     "### Paired runs: an asynchronous provider back to back with the synchronous one",
                     "### Allocations per fault", "### Idle region", "### Generator on 500 region classes", "### Targets",
                 })
        {
            Assert.Contains(section, stdout, StringComparison.Ordinal);
        }

        // No table cell may be missing: a dash means a case that did not run.
        Assert.DoesNotContain("| – |", stdout, StringComparison.Ordinal);
        Assert.Contains("0 of ", stdout[stdout.IndexOf("rerun after an unrelated edit", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(root, "artifacts", "bench", "performance.png")).Length > 10_000, "the plot was not written");
    }

    [Fact]
    public void Scale_smoke_opens_and_disposes_regions_and_prints_both_tables()
    {
        // bench/run.sh --smoke --scale: 1 and 10 regions. Only that it ran and reported is checked: the figures are the
        // engine's to change (an engine with no thread per region changes the thread column), not the benchmark's.
        string root = BuildMetadata.RepositoryRoot;
        Run(root, "bash", Path.Combine(root, "bench", "native", "build.sh"));
        string program = Path.Combine(AppContext.BaseDirectory, "Uffd.Benchmarks.dll");
        (int exit, string stdout) = Run(root, "dotnet", program, "--smoke", "--scale");
        Assert.Equal(0, exit);
        Assert.Contains("#### Open, Dispose, threads, descriptors, memory", stdout, StringComparison.Ordinal);
        Assert.Contains("#### Random-fault round trip with the regions open", stdout, StringComparison.Ordinal);
        Match ten = Regex.Match(stdout, @"^\| 10 \| [\d.,]+ / [\d.,]+ \| [\d.,]+ / [\d.,]+ \| (\d+) → (\d+) \| (\d+) → (\d+) \|", RegexOptions.Multiline);
        Assert.True(ten.Success, "no row for 10 regions");
        Assert.True(File.Exists(Path.Combine(root, "artifacts", "bench", "scale.md")), "scale.md was not written");
    }

    private (int ExitCode, string Stdout) Run(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["UFFD_REF_LIB"] = Path.Combine(workingDirectory, "bench", "native", "libuffdref.so");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within {Timeout.TotalMinutes} minutes:\n{stdout.Result}\n{stderr.Result}");
        }

        output.WriteLine($"$ {file} {string.Join(' ', args)} -> exit {process.ExitCode}");
        output.WriteLine(stdout.Result);
        output.WriteLine(stderr.Result);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed with exit code {process.ExitCode}:\n{stderr.Result}");
        return (process.ExitCode, stdout.Result);
    }

}
