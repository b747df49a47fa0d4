using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Checkpoint;

/// <summary>
/// Checkpoints an in-memory table incrementally (the kernel's asynchronous write tracking tells which pages changed),
/// then restores it lazily (missing faults read each page from the snapshot chain on first touch) and checks the copy.
/// Exit 0 when the restored table matches, 1 otherwise.
/// </summary>
internal static class Program
{
    private const int Rows = 4096;
    private const int Seed = 20240611;
    private const int SampleRows = 32;

    public static int Main(string[] args)
    {
        // Byte counts are printed with thousands separators: the same ones everywhere, so scripts can parse them.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string? keep = args.Length == 2 && args[0] == "--keep" ? args[1] : null;
        if (args.Length != 0 && keep is null)
        {
            Console.Error.WriteLine("usage: Checkpoint [--keep <dir>]   (--keep writes the snapshots to <dir> and leaves them there)");
            return 2;
        }

        string directory = keep ?? Directory.CreateTempSubdirectory("uffd-checkpoint-").FullName;
        try
        {
            Directory.CreateDirectory(directory);
            return Run(directory, keep is not null);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FAILED: {e.GetType().Name}: {e.Message}");
            return 1;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static int Run(string directory, bool kept)
    {
        int pageSize = Environment.SystemPageSize;
        long pages = (long)Rows * Row.Size / pageSize;
        using var table = new Table();
        table.Open(pages);
        Console.WriteLine($"Table: {Rows} rows of {Row.Size} bytes = {pages} pages of {pageSize} bytes (FaultMode.WriteProtect, WriteTracking.Asynchronous)");
        Console.WriteLine($"Snapshots: one file per checkpoint in {(kept ? directory + " (kept)" : "a temporary directory, removed at exit")}");
        Console.WriteLine();

        // Epoch 0: build the table (every page is written), then collect: every page, which re-arms them all, so the
        // next write to each is reported.
        var workload = new Workload(table, Rows, new Random(Seed));
        workload.Populate();
        workload.TakeTouchedPages();
        List<long> all = table.TakeDirtyPages();
        if (all.Count != pages)
        {
            Console.WriteLine($"FAILED: epoch 0: the kernel saw {all.Count} written pages, the table has {pages}.");
            return 1;
        }

        var paths = new List<string>();
        long full = Checkpoint(directory, paths, table, 0, all);
        Console.WriteLine($"  epoch 0  {"full snapshot",-38} {pages,4} pages        {full,10:N0} bytes  {Path.GetFileName(paths[^1])}");

        long dirtyTotal = 0;
        for (int epoch = 1; epoch <= Workload.Batches.Count; epoch++)
        {
            (string name, Action<Workload> batch) = Workload.Batches[epoch - 1];
            batch(workload);
            List<long> dirty = table.TakeDirtyPages();        // collected and re-armed in one walk
            SortedSet<long> written = workload.TakeTouchedPages();
            if (!dirty.SequenceEqual(written))
            {
                Console.WriteLine($"FAILED: epoch {epoch}: the kernel saw {dirty.Count} dirty pages, the batch wrote {written.Count}.");
                return 1;
            }

            long bytes = Checkpoint(directory, paths, table, epoch, dirty);
            dirtyTotal += dirty.Count;
            Console.WriteLine($"  epoch {epoch}  {name,-38} {dirty.Count,4} dirty pages  {bytes,10:N0} bytes  {Path.GetFileName(paths[^1])}");
        }

        Console.WriteLine();
        return Restore(table, paths, pages, dirtyTotal);
    }

    /// <summary>Restores the table lazily from the chain and compares it with the live one, a sample first, then all.</summary>
    private static int Restore(Table table, List<string> paths, long pages, long dirtyTotal)
    {
        using var chain = new SnapshotChain(paths, table.PageSize);
        int[] perFile = chain.PagesPerFile();
        Console.WriteLine($"Restore index, pages whose latest version is in checkpoint-NNN: " +
                          string.Join(", ", perFile.Select((n, f) => $"{f:D3}: {n}")));

        using var restored = new RestoredTable(chain);
        restored.Open(pages);
        var random = new Random(Seed + 1);
        int[] sample = [.. Enumerable.Range(0, SampleRows).Select(_ => random.Next(Rows))];
        if (!Compare(table, restored, sample))
        {
            return 1;
        }

        long afterSample = restored.Statistics.PagesFilled;
        Console.WriteLine($"Sample: {SampleRows} random rows match; {afterSample} of {pages} pages restored lazily");
        if (!Compare(table, restored, Enumerable.Range(0, Rows)))
        {
            return 1;
        }

        long afterScan = restored.Statistics.PagesFilled;
        Console.WriteLine($"Full scan: {Rows} rows match; {afterScan} of {pages} pages restored lazily");
        Console.WriteLine();
        Console.WriteLine($"OK: restored table matches after {paths.Count} checkpoints ({dirtyTotal} dirty pages written, {afterScan} pages restored lazily).");
        return 0;
    }

    /// <summary>Writes one checkpoint file and returns its size.</summary>
    private static long Checkpoint(string directory, List<string> paths, Table table, int epoch, IReadOnlyList<long> dirty)
    {
        string path = Path.Combine(directory, $"checkpoint-{epoch:D3}.snap");
        long bytes = SnapshotFile.Write(path, epoch, table, dirty);
        paths.Add(path);
        return bytes;
    }

    /// <summary>Compares rows read through both regions' spans (the restored one fills its pages on first touch).</summary>
    private static bool Compare(Table table, RestoredTable restored, IEnumerable<int> rows)
    {
        foreach (int r in rows)
        {
            ReadOnlySpan<byte> expected = table.AsReadOnlySpan((long)r * Row.Size, Row.Size);
            ReadOnlySpan<byte> actual = restored.AsReadOnlySpan((long)r * Row.Size, Row.Size);
            if (!expected.SequenceEqual(actual))
            {
                Console.WriteLine($"FAILED: row {r} differs: restored id {BitConverter.ToInt64(actual[Row.IdOffset..])} counter " +
                                  $"{BitConverter.ToInt64(actual[Row.CounterOffset..])}, expected id {BitConverter.ToInt64(expected[Row.IdOffset..])} " +
                                  $"counter {BitConverter.ToInt64(expected[Row.CounterOffset..])}.");
                return false;
            }
        }

        return true;
    }
}
