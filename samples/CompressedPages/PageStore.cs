using System;
using System.IO;
using System.IO.Compression;

namespace CompressedPages;

/// <summary>One gzip file per page (<c>page000005.gz</c> holds page 5) in a fresh temporary directory.</summary>
internal sealed class PageStore
{
    private PageStore(string directory, int pageSize) => (Directory, PageSize) = (directory, pageSize);

    public string Directory { get; }

    public int PageSize { get; }

    public long CompressedBytes { get; private set; }

    public static PageStore Create(int pageSize) =>
        new(System.IO.Directory.CreateTempSubdirectory("uffd-compressed-pages-").FullName, pageSize);

    public string PathOf(long page) => Path.Combine(Directory, $"page{page:D6}.gz");

    public void Write(long index, ReadOnlySpan<byte> page)
    {
        using (FileStream file = File.Create(PathOf(index)))
        using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
        {
            gzip.Write(page);
        }

        CompressedBytes += new FileInfo(PathOf(index)).Length;
    }

    /// <summary>Decompresses page <paramref name="index"/>; throws when the file does not hold exactly one page.</summary>
    public void Read(long index, Span<byte> page)
    {
        using FileStream file = File.OpenRead(PathOf(index));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        gzip.ReadExactly(page);
        if (gzip.ReadByte() != -1)
        {
            throw new InvalidDataException($"{PathOf(index)} holds more than one page.");
        }
    }

    /// <summary>Deletes the directory and says so (or why not).</summary>
    public void Delete()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            Console.WriteLine($"Removed {Directory}");
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {Directory}: {e.Message}");
        }
    }
}
