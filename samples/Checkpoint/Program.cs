using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace Checkpoint;

/// <summary>
/// Checkpoints an in-memory table incrementally (the kernel's asynchronous write tracking tells which pages changed),
/// first between batches of updates, then while four threads update it; checks after every checkpoint that the
/// chain of snapshot files holds exactly what was written (a shadow copy, byte for byte); then restores the table
/// lazily (missing faults read each page from the chain on first touch) and checks the copy.
/// Exit 0 when every check passes, 1 otherwise.
/// </summary>
internal static class Program
{
    private const int Rows = 4096;
    private const int Seed = 20240611;
    private const int SampleRows = 32;
    private const int LiveCheckpoints = 25;

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
        if (!ChainMatchesShadow(paths, workload.Shadow, table.PageSize))
        {
            return 1;
        }

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
            if (!ChainMatchesShadow(paths, workload.Shadow, table.PageSize))
            {
                return 1;
            }
        }

        // Live: checkpoints while writers update the table; the last one is taken once they stopped, so the chain
        // must then hold every write, whichever checkpoint it fell into.
        long liveDirty = 0, updates;
        using (var writers = new LiveWriters(table, workload.Shadow, Rows, Seed + 2))
        {
            for (int i = 0; i < LiveCheckpoints - 1; i++)
            {
                Thread.Sleep(2);
                liveDirty += LiveCheckpoint(directory, paths, table);
            }

            writers.Dispose();
            updates = writers.Updates;
        }

        liveDirty += LiveCheckpoint(directory, paths, table);
        dirtyTotal += liveDirty;
        Console.WriteLine($"  live     {LiveWriters.Count} writers, {LiveCheckpoints} checkpoints meanwhile (the last after they stop): " +
                          $"{updates:N0} row updates, {liveDirty} dirty pages");
        if (!ChainMatchesShadow(paths, workload.Shadow, table.PageSize))
        {
            return 1;
        }

        Console.WriteLine($"Shadow: the chain's image matched the shadow copy byte for byte after each of the {Workload.Batches.Count + 1} " +
                          "checkpoints between batches and after the live ones");
        Console.WriteLine();
        return Restore(table, workload.Shadow, paths, pages, dirtyTotal);
    }

    /// <summary>One checkpoint of whatever was written since the last one; returns its page count.</summary>
    private static int LiveCheckpoint(string directory, List<string> paths, Table table)
    {
        List<long> dirty = table.TakeDirtyPages();
        Checkpoint(directory, paths, table, paths.Count, dirty);
        return dirty.Count;
    }

    /// <summary>
    /// Rebuilds the table's image from the snapshot chain (each page's newest record) and compares it with the
    /// shadow, byte for byte: a write the tracking missed would leave its page older in the chain than in the shadow.
    /// </summary>
    private static bool ChainMatchesShadow(List<string> paths, byte[] shadow, int pageSize)
    {
        using var chain = new SnapshotChain(paths, pageSize);
        byte[] page = new byte[pageSize];
        for (int p = 0; p < shadow.Length / pageSize; p++)
        {
            chain.ReadPage(p, page);
            if (!page.AsSpan().SequenceEqual(shadow.AsSpan(p * pageSize, pageSize)))
            {
                Console.WriteLine($"FAILED: after checkpoint {paths.Count - 1}, page {p} in the snapshot chain differs from the shadow copy.");
                return false;
            }
        }

        return true;
    }

    /// <summary>Restores the table lazily from the chain and compares it with the live one, a sample first, then all.</summary>
    private static int Restore(Table table, byte[] shadow, List<string> paths, long pages, long dirtyTotal)
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
        if (!restored.AsReadOnlySpan().SequenceEqual(shadow) || !table.AsReadOnlySpan().SequenceEqual(shadow))
        {
            Console.WriteLine("FAILED: the restored or the live table differs from the shadow copy.");
            return 1;
        }

        Console.WriteLine("Shadow: the restored table and the live one both equal the shadow copy byte for byte");
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
