using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace CompressedPages;

/// <summary>
/// Martin Cracauer's userfaultfd GC example with UffdGen: pages are filled from one compressed file each on first
/// access (through spans), then the kernel's asynchronous write tracking records exactly which pages get written. Exit
/// 0: everything matched; 1: a mismatch or failure; 2: bad arguments.
/// </summary>
internal static class Program
{
    private const int GeneratedPages = 64;
    private const int WriteEvery = 7;

    private const string Usage =
        "Usage: CompressedPages [--file <path>]\n" +
        "  (no arguments)   generate 64 pages of text, compress each into its own file, serve them through a region\n" +
        "  --file <path>    do the same with your file, split into pages (the last one zero-padded)";

    public static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args is ["-h" or "--help"])
        {
            Console.WriteLine(Usage);
            return 0;
        }

        string? problem = args switch
        {
            [] => null,
            ["--file", string p] when !File.Exists(p) => $"{p} does not exist.",
            ["--file", string p] when new FileInfo(p).Length == 0 => $"{p} is empty: there is no page to serve.",
            ["--file", _] => null,
            _ => $"Unexpected arguments: {string.Join(' ', args)}",
        };
        if (problem is not null)
        {
            Console.Error.WriteLine(problem);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        string? path = args is [_, string file] ? file : null;

        int pageSize = Environment.SystemPageSize;
        using var watchdog = new Watchdog();
        PageSource source;
        try
        {
            source = path is null ? new GeneratedPages(GeneratedPages, pageSize) : FilePages.Open(path, pageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Cannot read {path}: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using PageSource _ = source;
        Console.WriteLine(path is null
            ? $"CompressedPages: {source.Pages} pages of generated text, {pageSize} bytes each"
            : $"CompressedPages: {path}, {source.Bytes:N0} bytes in {source.Pages} pages of {pageSize} bytes (the last zero-padded)");

        // Deleted even when a phase fails; only a crash of the whole process leaves it behind.
        PageStore store = PageStore.Create(pageSize);
        try
        {
            return Run(source, store, watchdog);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // UffdException is an InvalidOperationException: no userfaultfd here, or no permission to use it.
            Console.Error.WriteLine($"FAILED: {e.Message}\n(`dotnet run --project samples/UffdInfo` tells whether userfaultfd works here.)");
            return 1;
        }
        finally
        {
            store.Delete();
        }
    }

    private static int Run(PageSource source, PageStore store, Watchdog watchdog)
    {
        long pages = source.Pages;
        int pageSize = source.PageSize;
        var failures = new List<string>();
        byte[] expected = new byte[pageSize];

        watchdog.Activity = "compressing pages";
        var progress = new Progress("compressed", pages);
        for (long i = 0; i < pages; i++)
        {
            source.CopyPage(i, expected);
            store.Write(i, expected);
            progress.Report(i + 1);
            watchdog.Beat();
        }

        long bytes = pages * pageSize;
        Console.WriteLine($"  directory          {store.Directory} (one gzip file per page)");
        Console.WriteLine($"  compressed         {bytes:N0} bytes into {store.CompressedBytes:N0} bytes (ratio {(double)bytes / store.CompressedBytes:0.0}:1)");

        using var region = new CompressedRegion(store, pages);
        region.Open(pages);
        Console.WriteLine(region.IsUserModeOnly
            ? "  userfaultfd        user-mode faults only (no CAP_SYS_PTRACE, vm.unprivileged_userfaultfd=0): the accessors make pages present first"
            : "  userfaultfd        kernel and user faults");

        // Phase 1: the first span over each page fills it: the provider decompresses its file on a handler thread.
        Console.WriteLine();
        Console.WriteLine("Phase 1: fill on first access (every page read through a CompressedRegion span)");
        watchdog.Activity = "reading pages (phase 1)";
        progress = new Progress("read", pages);
        long matched = 0;
        for (long i = 0; i < pages; i++)
        {
            source.CopyPage(i, expected);
            matched += Compare(i, expected, region.AsReadOnlySpan(i * pageSize, pageSize), failures) ? 1 : 0;
            progress.Report(i + 1);
            watchdog.Beat();
        }

        long providerCalls = 0;
        for (long i = 0; i < pages; i++)
        {
            int fills = region.FillsOf(i);
            providerCalls += fills;
            if (fills != 1)
            {
                failures.Add($"page {i}: the provider ran {fills} times, expected once");
            }
        }

        Console.WriteLine($"  {pages} pages read, {providerCalls} provider calls, {matched} pages matched their source");

        // Phase 2: write a few pages in place; the kernel records the writes and the collection must be exactly those.
        Console.WriteLine();
        Console.WriteLine("Phase 2: write tracking (pages written in place through CompressedRegion spans, then collected)");
        watchdog.Activity = "writing pages (phase 2)";
        long[] chosen = Enumerable.Range(0, (int)((pages + WriteEvery - 1) / WriteEvery)).Select(k => (long)k * WriteEvery)
            .Append(pages - 1).Distinct().ToArray();
        foreach (long i in chosen)
        {
            byte[] marker = Marker(i);
            marker.CopyTo(region.AsSpan(i * pageSize + pageSize / 2, marker.Length));
            watchdog.Beat();
        }

        long[] dirty = region.CollectWrittenPages().SelectMany(run => Enumerable.Range(0, (int)run.Count).Select(k => run.FirstPage + k)).ToArray();
        Console.WriteLine($"  wrote pages        {List(chosen)}");
        Console.WriteLine($"  collected          {List(dirty)}");
        if (!dirty.SequenceEqual(chosen))
        {
            failures.Add($"the collection found pages {List(dirty)} written, but pages {List(chosen)} were written");
        }

        // The writes landed where they should, and reading (phase 1 again) counted as no write.
        watchdog.Activity = "checking pages after the writes (phase 2)";
        var written = new HashSet<long>(chosen);
        for (long i = 0; i < pages; i++)
        {
            source.CopyPage(i, expected);
            if (written.Contains(i))
            {
                Marker(i).CopyTo(expected, pageSize / 2);
            }

            Compare(i, expected, region.AsReadOnlySpan(i * pageSize, pageSize), failures);
            watchdog.Beat();
        }

        long[] rewritten = region.CollectWrittenPages().SelectMany(run => Enumerable.Range(0, (int)run.Count).Select(k => run.FirstPage + k)).ToArray();
        if (rewritten.Length != 0)
        {
            failures.Add($"reading the pages back was collected as writes to pages {List(rewritten)}");
        }

        var statistics = region.Statistics;
        if (region.LastProviderError is Exception error)
        {
            failures.Add($"{statistics.ProviderErrors} provider errors, the last: {error.Message}");
        }

        Console.WriteLine();
        Console.WriteLine("Report");
        Console.WriteLine($"  pages              {pages}");
        Console.WriteLine($"  bytes              {bytes:N0} ({source.Bytes:N0} from the source)");
        Console.WriteLine($"  compressed bytes   {store.CompressedBytes:N0}");
        Console.WriteLine($"  pages filled       {statistics.PagesFilled}");
        Console.WriteLine($"  provider calls     {providerCalls}");
        Console.WriteLine($"  write faults       {statistics.WriteFaults}");
        Console.WriteLine($"  dirty pages        {List(dirty)}");
        if (statistics.PagesFilled != pages)
        {
            failures.Add($"the engine filled {statistics.PagesFilled} pages, expected {pages}");
        }

        if (statistics.WriteFaults != 0)
        {
            failures.Add($"{statistics.WriteFaults} writes waited for a handler; with asynchronous tracking none should");
        }

        if (failures.Count > 0)
        {
            foreach (string failure in failures.Take(20))
            {
                Console.WriteLine($"FAILED: {failure}");
            }

            if (failures.Count > 20)
            {
                Console.WriteLine($"FAILED: ... {failures.Count - 20} more");
            }

            return 1;
        }

        Console.WriteLine($"OK: every page matched its source; {chosen.Length} pages written, tracked exactly.");
        return 0;
    }

    /// <summary>Byte-for-byte; a mismatch is recorded with the first byte that differs.</summary>
    private static bool Compare(long page, byte[] expected, ReadOnlySpan<byte> actual, List<string> failures)
    {
        int same = expected.AsSpan().CommonPrefixLength(actual);
        if (same == expected.Length)
        {
            return true;
        }

        failures.Add($"page {page}: byte {same} is 0x{actual[same]:x2}, expected 0x{expected[same]:x2}");
        return false;
    }

    private static byte[] Marker(long page) => Encoding.ASCII.GetBytes($"[written to page {page}]");

    private static string List(long[] pages) => pages.Length <= 24
        ? string.Join(", ", pages)
        : string.Join(", ", pages.Take(24)) + $", ... ({pages.Length} pages)";

    /// <summary>Progress lines every 10% for inputs large enough to take a while; nothing for small ones.</summary>
    private sealed class Progress(string verb, long total)
    {
        private const long Large = 1024;
        private int lastTenth;

        public void Report(long done)
        {
            int tenth = (int)(done * 10 / total);
            if (total >= Large && tenth > lastTenth)
            {
                lastTenth = tenth;
                Console.WriteLine($"  {verb} {done:N0} of {total:N0} pages ({tenth * 10}%)");
            }
        }
    }
}
