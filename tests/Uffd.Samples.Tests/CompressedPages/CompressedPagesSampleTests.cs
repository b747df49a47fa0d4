using System.Globalization;
using System.IO;
using Uffd.Samples.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.CompressedPages;

/// <summary>
/// The CompressedPages sample as a user runs it: every count and page index it prints is deterministic, and with
/// asynchronous write tracking no write ever waits for a handler (0 write faults). It accepts a user-mode-only uffd, so
/// it runs for nobody too, and says which kind it got.
/// </summary>
public sealed class CompressedPagesSampleTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void Without_arguments_it_fills_64_generated_pages_once_each_and_tracks_every_7th_page_written()
    {
        ChildResult result = Sample.Run("CompressedPages");

        Assert.True(result.ExitCode == 0, result.ToString());
        const string Dirty = "0, 7, 14, 21, 28, 35, 42, 49, 56, 63";
        AssertLines(result,
            $"CompressedPages: 64 pages of generated text, {PageSize} bytes each",
            Sample.KernelFaultsHere()
                ? "  userfaultfd        kernel and user faults"
                : "  userfaultfd        user-mode faults only (no CAP_SYS_PTRACE, vm.unprivileged_userfaultfd=0): the accessors make pages present first",
            "  64 pages read, 64 provider calls, 64 pages matched their source",
            $"  wrote pages        {Dirty}",
            $"  collected          {Dirty}",
            "  pages              64",
            $"  bytes              {Number(64L * PageSize)} ({Number(64L * PageSize)} from the source)",
            "  pages filled       64",
            "  provider calls     64",
            $"  dirty pages        {Dirty}",
            "  write faults       0");
        Assert.Equal("OK: every page matched its source; 10 pages written, tracked exactly.", result.Lines[^2]);
        AssertDirectoryRemoved(result);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void With_a_file_of_three_and_a_half_pages_it_serves_four_pages_and_tracks_the_first_and_last_written()
    {
        string directory = Directory.CreateTempSubdirectory("compressed-pages-test-").FullName;
        try
        {
            string file = Path.Combine(directory, "input.bin");
            int length = 3 * PageSize + PageSize / 2;
            File.WriteAllBytes(file, Enumerable.Range(0, length).Select(i => (byte)(i * 31 % 251)).ToArray());

            ChildResult result = Sample.Run("CompressedPages", "--file", file);

            Assert.True(result.ExitCode == 0, result.ToString());
            AssertLines(result,
                $"CompressedPages: {file}, {Number(length)} bytes in 4 pages of {PageSize} bytes (the last zero-padded)",
                "  4 pages read, 4 provider calls, 4 pages matched their source",
                "  wrote pages        0, 3",
                "  collected          0, 3",
                "  pages              4",
                $"  bytes              {Number(4L * PageSize)} ({Number(length)} from the source)",
                "  pages filled       4",
                "  provider calls     4",
                "  dirty pages        0, 3",
                "  write faults       0");
            Assert.Equal("OK: every page matched its source; 2 pages written, tracked exactly.", result.Lines[^2]);
            AssertDirectoryRemoved(result);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--file")]
    [InlineData("--file", "/nonexistent/compressed-pages-input")]
    [InlineData("--file", "/dev/null", "extra")]
    public void Bad_arguments_print_the_usage_and_exit_2(params string[] args)
    {
        ChildResult result = Sample.Run("CompressedPages", args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Usage: CompressedPages [--file <path>]", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void An_empty_file_has_no_page_to_serve_and_exits_2()
    {
        string file = Path.GetTempFileName();
        try
        {
            ChildResult result = Sample.Run("CompressedPages", "--file", file);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("is empty", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Usage: CompressedPages", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void AssertLines(ChildResult result, params string[] expected)
    {
        foreach (string line in expected)
        {
            Assert.True(result.Lines.Contains(line), $"missing line \"{line}\" in:\n{result}");
        }
    }

    private static void AssertDirectoryRemoved(ChildResult result)
    {
        string line = Assert.Single(result.Lines, l => l.StartsWith("  directory ", StringComparison.Ordinal));
        string directory = line["  directory ".Length..].Trim().Split(' ')[0];
        Assert.StartsWith(Path.GetTempPath().TrimEnd('/'), directory, StringComparison.Ordinal);
        Assert.Equal($"Removed {directory}", result.Lines[^1]);
        Assert.False(Directory.Exists(directory), $"{directory} was left behind");
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
