using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using Uffd.Samples.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Samples.Tests.Checkpoint;

/// <summary>
/// The Checkpoint sample as a user runs it. Its workload is seeded, so the dirty pages per epoch are exact; they
/// depend on the page size (16 rows of 256 bytes per 4 KiB page), so the exact numbers are checked on 4 KiB pages
/// and the arithmetic that ties them together on any page size.
/// </summary>
public sealed partial class CheckpointSampleTests
{
    private const int TablePages4K = 256;
    private const int HeaderSize = 32;
    private const int LiveCheckpoints = 25;

    // Epoch 0 is the full snapshot; then random rows, a hot set of 16 pages, every 4th page, nothing, rows 2000-2199.
    private static readonly int[] DirtyPages4K = [256, 37, 16, 64, 0, 13, 97];

    [Fact]
    public void Checkpoint_writes_exactly_the_dirty_pages_and_restores_lazily()
    {
        string tempRoot = Path.GetTempPath();
        string[] leftoversBefore = Directory.GetDirectories(tempRoot, "uffd-checkpoint-*");

        ChildResult result = Sample.Run("Checkpoint");

        Assert.True(result.ExitCode == 0, result.ToString());
        Epoch[] epochs = Epochs(result);
        Assert.Equal(Enumerable.Range(0, 7), epochs.Select(e => e.Number));
        int pageSize = Environment.SystemPageSize;
        long tablePages = 4096L * 256 / pageSize;
        Assert.Equal(tablePages, epochs[0].Pages);
        Assert.All(epochs, e => Assert.Equal(HeaderSize + e.Pages * (sizeof(long) + pageSize), e.Bytes));
        long dirtyTotal = epochs.Skip(1).Sum(e => e.Pages);
        if (pageSize == 4096)
        {
            Assert.Equal(DirtyPages4K, epochs.Select(e => (int)e.Pages));
            Assert.Contains("  epoch 1  40 updates to random rows                37 dirty pages     151,880 bytes  checkpoint-001.snap", result.Lines);
            Assert.Equal(227, dirtyTotal);
            Assert.Contains("Sample: 32 random rows match; 31 of 256 pages restored lazily", result.Lines);
        }

        // The sample touches some pages only; the full scan touches all of them, each restored once.
        Match sample = Assert.Single(result.Lines.Select(l => SampleLine().Match(l)), m => m.Success);
        long afterSample = long.Parse(sample.Groups["restored"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(afterSample, 1, tablePages - 1);
        Assert.Equal(tablePages, long.Parse(sample.Groups["total"].Value, CultureInfo.InvariantCulture));
        Assert.Contains($"Full scan: 4096 rows match; {tablePages} of {tablePages} pages restored lazily", result.Lines);

        // Then checkpoints while four writers update the table: every write is in the chain, checked byte for byte
        // against the shadow copy the sample keeps, and so are the restored and the live tables.
        Match live = Assert.Single(result.Lines.Select(l => LiveLine().Match(l)), m => m.Success);
        long liveDirty = long.Parse(live.Groups["dirty"].Value, CultureInfo.InvariantCulture);
        Assert.True(long.Parse(live.Groups["updates"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0, live.Value);
        Assert.InRange(liveDirty, 1, LiveCheckpoints * tablePages);
        Assert.Contains("Shadow: the chain's image matched the shadow copy byte for byte after each of the 7 checkpoints between batches and after the live ones",
            result.Lines);
        Assert.Contains("Shadow: the restored table and the live one both equal the shadow copy byte for byte", result.Lines);

        Assert.Equal(
            $"OK: restored table matches after {7 + LiveCheckpoints} checkpoints ({dirtyTotal + liveDirty} dirty pages written, {tablePages} pages restored lazily).",
            result.Lines[^1]);
        Assert.Equal(leftoversBefore.Order(), Directory.GetDirectories(tempRoot, "uffd-checkpoint-*").Order());
    }

    [Fact]
    public void Checkpoint_keep_leaves_one_file_per_checkpoint_in_the_documented_format()
    {
        string directory = Directory.CreateTempSubdirectory("uffd-checkpoint-test-").FullName;
        try
        {
            string kept = Path.Combine(directory, "snapshots");
            ChildResult result = Sample.Run("Checkpoint", "--keep", kept);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"Snapshots: one file per checkpoint in {kept} (kept)", result.Lines);
            foreach (Epoch epoch in Epochs(result))
            {
                string path = Path.Combine(kept, $"checkpoint-{epoch.Number:D3}.snap");
                byte[] header = File.ReadAllBytes(path).AsSpan(0, HeaderSize).ToArray();
                Assert.Equal(epoch.Bytes, new FileInfo(path).Length);
                Assert.Equal("UFFDCKPT"u8.ToArray(), header[..8]);
                Assert.Equal(epoch.Number, BitConverter.ToInt32(header, 12));
                Assert.Equal(Environment.SystemPageSize, BitConverter.ToInt32(header, 16));
                Assert.Equal(epoch.Pages, BitConverter.ToInt32(header, 20));
            }

            Assert.Equal(7 + LiveCheckpoints, Directory.GetFiles(kept).Length);
            if (Environment.SystemPageSize == 4096)
            {
                Assert.Equal(TablePages4K, BitConverter.ToInt64(File.ReadAllBytes(Path.Combine(kept, "checkpoint-000.snap")), 24));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Epoch[] Epochs(ChildResult result) =>
    [
        .. result.Lines.Select(l => EpochLine().Match(l)).Where(m => m.Success).Select(m => new Epoch(
            int.Parse(m.Groups["epoch"].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups["pages"].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups["bytes"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture))),
    ];

    [GeneratedRegex(@"^  epoch (?<epoch>\d+) .* (?<pages>\d+) (dirty )?pages +(?<bytes>[\d,]+) bytes  checkpoint-\d{3}\.snap$")]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"^Sample: 32 random rows match; (?<restored>\d+) of (?<total>\d+) pages restored lazily$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^  live     4 writers, 25 checkpoints meanwhile \(the last after they stop\): (?<updates>[\d,]+) row updates, (?<dirty>\d+) dirty pages$")]
    private static partial Regex LiveLine();

    private sealed record Epoch(int Number, long Pages, long Bytes);
}
