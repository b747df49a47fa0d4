using System;
using System.IO;
using System.IO.Compression;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.CompressedExport;

/// <summary>A computed lookup table exported to a gzip file through AsStream, on a worker thread.</summary>
[FaultRegion(Pages = 32)]
public sealed partial class SineTable
{
    [PageProvider(WritesWholePage = true)]
    private void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            double angle = (pageIndex * page.Length + i) * Math.PI / 4096.0;
            page[i] = (byte)(127.5 + 127.5 * Math.Sin(angle));
        }
    }
}

public static class Export
{
    public static async Task<long> ToFileAsync(SineTable table, string path)
    {
        await using FileStream file = File.Create(path, bufferSize: 4096);
        await using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            using Stream source = table.AsStream();
            await source.CopyToAsync(gzip);
        }

        return file.Length;
    }

    public static void Run(string path)
    {
        using var table = new SineTable();
        table.Open();
        long written = ToFileAsync(table, path).GetAwaiter().GetResult();   // not a callback: waiting here is fine
        Console.WriteLine($"{written} bytes");
    }
}
