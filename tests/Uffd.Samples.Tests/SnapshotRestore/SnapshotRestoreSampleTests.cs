using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Uffd.Samples.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.SnapshotRestore;

/// <summary>
/// The SnapshotRestore sample against a real object store (Azurite, started here as run.sh starts it): a saved image
/// restored lazily reads back exactly, fetches only about the pages its lookups touch, and, when the store stops
/// mid-run, the default FailFast policy ends the process naming the region, the page and the store's error.
/// </summary>
public sealed class SnapshotRestoreSampleTests
{
    private const string Name = "SnapshotRestore";

    [Fact]
    public async Task Save_restore_and_compare_read_exactly_the_saved_image_and_fetch_only_what_the_lookups_touch()
    {
        await using AzuriteServer server = await AzuriteServer.StartAsync();

        ChildResult save = Sample.Run(Name, "save", "--connection", server.ConnectionString, "--mib", "8");
        Assert.True(save.ExitCode == 0, save.ToString());
        Assert.StartsWith("SnapshotRestore: saved 131,072 records (8 MiB) to snapshots/image in ", save.Lines[0]);

        ChildResult restore = Sample.Run(Name, "restore", "--connection", server.ConnectionString, "--threads", "4", "--lookups", "25");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal("SnapshotRestore: restoring snapshots/image lazily (8 MiB, 131,072 records)", restore.Lines[0]);
        Assert.Matches(@"^  lookups                100 from 4 threads in [\d.]+ ms, all correct$", restore.Lines[2]);
        long touched = Number(restore.Lines[3], @"^  pages touched          ([\d,]+) of 2,049$");
        long fetched = Number(restore.Lines[4], @"^  pages fetched          ([\d,]+) in [\d,]+ GETs$");

        // Lazy: every page a lookup read was fetched, and far from all of the image.
        Assert.InRange(fetched, touched, 2049 - 256);
        Assert.Matches(@"^  scan                   8 MiB in [\d.]+ ms \(\d+ MiB/s\) in [\d,]+ GETs, every byte as saved$", restore.Lines[5]);
        Assert.Equal("OK: every lookup and every byte of the scan matched the saved image.", restore.Lines[6]);

        ChildResult compare = Sample.Run(Name, "compare", "--connection", server.ConnectionString, "--threads", "2", "--lookups", "25");
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.StartsWith("| lazily from the object store |", compare.Lines[3]);
        Assert.StartsWith("| whole image downloaded first |", compare.Lines[4]);
        Assert.StartsWith("| lazily from a local file |", compare.Lines[5]);
        Assert.Equal("OK: every way read exactly the saved image.", compare.Lines[6]);
        Assert.Equal("", restore.Stderr + compare.Stderr);
    }

    [Fact]
    public async Task When_the_store_stops_mid_run_the_default_policy_ends_the_process_naming_the_region_page_and_error()
    {
        const int SigAbrt = 6;
        await using AzuriteServer server = await AzuriteServer.StartAsync();
        Assert.Equal(0, Sample.Run(Name, "save", "--connection", server.ConnectionString, "--mib", "8").ExitCode);
        string pause = Path.Combine(Path.GetTempPath(), $"snapshot-restore-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            // The sample waits after its first access; the store stops; the lookups that follow cannot be fetched.
            Task<ChildResult> run = Task.Run(() => Sample.Run(
                Name, "restore", "--connection", server.ConnectionString, "--retries", "0", "--pause", pause, "--threads", "1", "--lookups", "50"));
            Assert.True(await WaitForAsync(pause + ".ready", run), "the sample did not reach its pause");
            await server.StopAsync();
            await File.WriteAllTextAsync(pause, "");

            ChildResult result = await run;
            Assert.True(result.ExitCode == 128 + SigAbrt, result.ToString());
            Assert.Contains("  first access ", result.Stdout);
            Assert.DoesNotContain("OK:", result.Stdout);
            Assert.Matches(@"uffd region 'RestoredImage': the page provider threw for page \d+ \(offset \d+\); OnProviderError is FailFast\.", result.Stderr);
            Assert.Contains("Azure.RequestFailedException", result.Stderr);
        }
        finally
        {
            File.Delete(pause);
            File.Delete(pause + ".ready");
        }
    }

    private static long Number(string line, string pattern)
    {
        Match match = Regex.Match(line, pattern);
        Assert.True(match.Success, $"'{line}' does not match {pattern}");
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static async Task<bool> WaitForAsync(string file, Task<ChildResult> run)
    {
        for (int i = 0; i < 6000 && !run.IsCompleted; i++)
        {
            if (File.Exists(file))
            {
                return true;
            }

            await Task.Delay(10);
        }

        return File.Exists(file);
    }
}
