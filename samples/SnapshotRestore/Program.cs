using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Win32.SafeHandles;
using SnapshotRestore;

// Usage (run.sh starts the store and passes its connection string):
//   save    --connection <string> [--container snapshots] [--blob image] [--mib 256]
//   restore --connection <string> [--container snapshots] [--blob image] [--threads 4] [--lookups 2000] [--pause <file>]
//   compare --connection <string> [--container snapshots] [--blob image] [--threads 4] [--lookups 2000]
// The connection string may also come from UFFD_BLOB_CONNECTION. --retries sets the Blob client's retries (default: the
// SDK's 5). --pause makes restore wait after its first access until <file> exists (having created <file>.ready), so a
// test can stop the store mid-run.
var options = Options.Parse(args);
BlobClient blob = options.Blob();
return options.Command switch
{
    "save" => await Commands.SaveAsync(blob, options),
    "restore" => await Commands.RestoreAsync(blob, options),
    "compare" => await Commands.CompareAsync(blob, options),
    _ => Options.Usage($"unknown command '{options.Command}'"),
};

internal static class Commands
{
    public static async Task<int> SaveAsync(BlobClient blob, Options options)
    {
        long records = SnapshotImage.RecordsFor(options.Mebibytes);
        await blob.GetParentBlobContainerClient().CreateIfNotExistsAsync();
        var clock = Stopwatch.StartNew();
        await blob.UploadAsync(new SnapshotImage.ProducingStream(records), new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { MaximumConcurrency = 8, InitialTransferSize = 8 << 20, MaximumTransferSize = 8 << 20 },
        });
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"SnapshotRestore: saved {N(records)} records ({options.Mebibytes} MiB) to {options.Container}/{options.BlobName} " +
                          $"in {seconds:0.00} s ({options.Mebibytes / seconds:0.0} MiB/s)");
        return 0;
    }

    public static async Task<int> RestoreAsync(BlobClient blob, Options options)
    {
        (long records, long length) = await ReadHeaderAsync(blob);
        Console.WriteLine($"SnapshotRestore: restoring {options.Container}/{options.BlobName} lazily ({Mib(length)} MiB, {N(records)} records)");

        var clock = Stopwatch.StartNew();
        using var lookups = new RestoredImage(blob, length);
        lookups.Open(PagesOf(length));
        bool first = Workload.FirstLookup(lookups, records);
        TimeSpan firstAccess = clock.Elapsed;
        Workload.LookupResult result = Workload.Lookups(lookups, records, options.Threads, options.Lookups, seed: 1);
        Console.WriteLine($"  first access           {Ms(firstAccess)} (Open and one lookup)");
        await PauseAsync(options.Pause);
        Console.WriteLine($"  lookups                {N(result.Lookups)} from {options.Threads} threads in {Ms(result.Elapsed)}, {Wrong(result.Wrong + (first ? 0 : 1))}");
        Console.WriteLine($"  pages touched          {N(result.PagesTouched)} of {N(lookups.PageCount)}");
        Console.WriteLine($"  pages fetched          {N(lookups.PagesFetched)} in {N(lookups.Calls)} GETs");

        using var scanned = new RestoredImage(blob, length);
        scanned.Open(PagesOf(length));
        Workload.ScanResult scan = Workload.Scan(scanned, records);
        Console.WriteLine($"  scan                   {Mib(scan.Bytes)} MiB in {Ms(scan.Elapsed)} ({Mib(scan.Bytes) / scan.Elapsed.TotalSeconds:0} MiB/s) " +
                          $"in {N(scanned.Calls)} GETs, {(scan.WrongChunks == 0 ? "every byte as saved" : $"{scan.WrongChunks} MiB differ")}");

        bool ok = first && result.Wrong == 0 && scan.WrongChunks == 0;
        Console.WriteLine(ok
            ? "OK: every lookup and every byte of the scan matched the saved image."
            : "FAILED: the restored image differs from the saved one.");
        return ok ? 0 : 1;
    }

    /// <summary>The same workload three ways: lazily from the store, after downloading the whole image, lazily from a local file.</summary>
    public static async Task<int> CompareAsync(BlobClient blob, Options options)
    {
        (long records, long length) = await ReadHeaderAsync(blob);
        Console.WriteLine($"SnapshotRestore: {Mib(length)} MiB image, {N((long)options.Threads * options.Lookups)} lookups from {options.Threads} threads, then a scan");
        Console.WriteLine("| Restore | First access | Lookups | Pages fetched / touched | Scan |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        bool ok = true;

        // Lazily from the store.
        var clock = Stopwatch.StartNew();
        using (var image = new RestoredImage(blob, length))
        {
            image.Open(PagesOf(length));
            ok &= Workload.FirstLookup(image, records);
            TimeSpan first = clock.Elapsed;
            Workload.LookupResult lookups = Workload.Lookups(image, records, options.Threads, options.Lookups, seed: 2);
            using var scanned = new RestoredImage(blob, length);
            scanned.Open(PagesOf(length));
            Workload.ScanResult scan = Workload.Scan(scanned, records);
            ok &= lookups.Wrong == 0 && scan.WrongChunks == 0;
            Row("lazily from the object store", first, lookups, $"{N(image.PagesFetched)} / {N(lookups.PagesTouched)}", scan);
        }

        // The whole image downloaded first (ranged GETs 8 at a time), then read from memory.
        clock.Restart();
        var buffer = new MemoryStream(checked((int)length));
        await blob.DownloadToAsync(buffer, new BlobDownloadToOptions
        {
            TransferOptions = new StorageTransferOptions { MaximumConcurrency = 8, InitialTransferSize = 8 << 20, MaximumTransferSize = 8 << 20 },
        });
        var downloaded = new DownloadedImage(buffer.GetBuffer());
        ok &= Workload.FirstLookup(downloaded, records);
        TimeSpan downloadFirst = clock.Elapsed;
        Workload.LookupResult memoryLookups = Workload.Lookups(downloaded, records, options.Threads, options.Lookups, seed: 2);
        Workload.ScanResult memoryScan = Workload.Scan(downloaded, records);
        ok &= memoryLookups.Wrong == 0 && memoryScan.WrongChunks == 0;
        Row("whole image downloaded first", downloadFirst, memoryLookups, $"{N(PagesOf(length))} / {N(memoryLookups.PagesTouched)}", memoryScan);

        // Lazily from a local file (the downloaded image, written out; the file's pages are in the page cache).
        string path = Path.Combine(Path.GetTempPath(), $"snapshot-restore-{Environment.ProcessId}.img");
        try
        {
            await File.WriteAllBytesAsync(path, buffer.GetBuffer().AsMemory(0, (int)length).ToArray());
            buffer = null;
            using SafeFileHandle file = File.OpenHandle(path);
            clock.Restart();
            using var local = new LocalImage(file);
            local.Open(PagesOf(length));
            ok &= Workload.FirstLookup(local, records);
            TimeSpan first = clock.Elapsed;
            Workload.LookupResult lookups = Workload.Lookups(local, records, options.Threads, options.Lookups, seed: 2);
            using var scanned = new LocalImage(file);
            scanned.Open(PagesOf(length));
            Workload.ScanResult scan = Workload.Scan(scanned, records);
            ok &= lookups.Wrong == 0 && scan.WrongChunks == 0;
            Row("lazily from a local file", first, lookups, $"{N(local.Statistics.PagesFilled)} / {N(lookups.PagesTouched)}", scan);
        }
        finally
        {
            File.Delete(path);
        }

        Console.WriteLine(ok ? "OK: every way read exactly the saved image." : "FAILED: a restored image differs from the saved one.");
        return ok ? 0 : 1;
    }

    /// <summary>Creates <c>file.ready</c>, then waits (at most a minute) until <paramref name="file"/> exists.</summary>
    private static async Task PauseAsync(string? file)
    {
        if (file is null)
        {
            return;
        }

        Console.Out.Flush();
        await File.WriteAllTextAsync(file + ".ready", "");
        for (var waited = Stopwatch.StartNew(); !File.Exists(file) && waited.Elapsed < TimeSpan.FromMinutes(1);)
        {
            await Task.Delay(10);
        }
    }

    private static void Row(string name, TimeSpan first, Workload.LookupResult lookups, string pages, Workload.ScanResult scan) =>
        Console.WriteLine($"| {name} | {Ms(first)} | {lookups.Lookups / lookups.Elapsed.TotalSeconds:0} /s | {pages} | " +
                          $"{Mib(scan.Bytes) / scan.Elapsed.TotalSeconds:0} MiB/s |");

    /// <summary>The image's record count, from its header (one small ranged GET), and its length.</summary>
    private static async Task<(long Records, long Length)> ReadHeaderAsync(BlobClient blob)
    {
        BlobDownloadResult header = (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new Azure.HttpRange(0, SnapshotImage.HeaderSize) })).Value;
        ReadOnlySpan<byte> bytes = header.Content.ToMemory().Span;
        if (bytes.Length < SnapshotImage.HeaderSize || BitConverter.ToUInt64(bytes) != SnapshotImage.Magic)
        {
            throw new InvalidDataException($"{blob.Name} is not a snapshot image (no UFFDSNAP header): run 'save' first.");
        }

        long records = BitConverter.ToInt64(bytes.Slice(8));
        return (records, SnapshotImage.LengthOf(records));
    }

    private static long PagesOf(long length) => (length + Environment.SystemPageSize - 1) / Environment.SystemPageSize;

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static double Mib(long bytes) => Math.Round(bytes / (double)(1 << 20), 1);

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Wrong(long wrong) => wrong == 0 ? "all correct" : $"{wrong} WRONG";
}

/// <summary>The command line.</summary>
internal sealed record Options(
    string Command, string Connection, string Container, string BlobName, int Mebibytes, int Threads, int Lookups, int? Retries, string? Pause)
{
    public static Options Parse(string[] args)
    {
        if (args.Length == 0)
        {
            Environment.Exit(Usage("no command"));
        }

        var values = new Dictionary<string, string>();
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string? connection = values.GetValueOrDefault("connection") ?? Environment.GetEnvironmentVariable("UFFD_BLOB_CONNECTION");
        if (connection is null)
        {
            Environment.Exit(Usage("no connection string: pass --connection or set UFFD_BLOB_CONNECTION (run.sh starts a store and does)"));
        }

        return new Options(
            args[0], connection, values.GetValueOrDefault("container", "snapshots"), values.GetValueOrDefault("blob", "image"),
            int.Parse(values.GetValueOrDefault("mib", "256"), CultureInfo.InvariantCulture),
            int.Parse(values.GetValueOrDefault("threads", "4"), CultureInfo.InvariantCulture),
            int.Parse(values.GetValueOrDefault("lookups", "2000"), CultureInfo.InvariantCulture),
            values.TryGetValue("retries", out string? retries) ? int.Parse(retries, CultureInfo.InvariantCulture) : null,
            values.GetValueOrDefault("pause"));
    }

    public BlobClient Blob()
    {
        var options = new BlobClientOptions();
        if (Retries is { } retries)
        {
            options.Retry.MaxRetries = retries;
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        }

        return new BlobContainerClient(Connection, Container, options).GetBlobClient(BlobName);
    }

    public static int Usage(string problem)
    {
        Console.Error.WriteLine($"SnapshotRestore: {problem}.");
        Console.Error.WriteLine("usage: save|restore|compare --connection <string> [--container snapshots] [--blob image] [--mib 256] [--threads 4] [--lookups 2000] [--retries n] [--pause <file>]");
        return 2;
    }
}
