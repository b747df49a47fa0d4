using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace Checkpoint;

/// <summary>
/// One snapshot file per checkpoint, the full one included (it is simply the checkpoint whose dirty set is every page):
///
///   header, 32 bytes, little-endian: magic "UFFDCKPT", int32 format version (1), int32 epoch, int32 page size,
///                                    int32 record count, int64 pages in the table
///   records: int64 page index, then the page's bytes (page size)
///
/// A file is written completely and flushed to disk before the pages are protected again, so a crash leaves either
/// a whole checkpoint or none. Restoring takes, for each page, the record in the newest file that has one.
/// </summary>
internal static class SnapshotFile
{
    public const int HeaderSize = 32;
    private const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "UFFDCKPT"u8;

    /// <summary>Writes <paramref name="pages"/> of the table to a new file and returns its size in bytes.</summary>
    public static long Write(string path, int epoch, Table table, IReadOnlyList<long> pages)
    {
        int pageSize = table.PageSize;
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), epoch);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), pageSize);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), pages.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), table.PageCount);

        var record = new byte[sizeof(long) + pageSize];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(header);
        foreach (long page in pages)
        {
            BinaryPrimitives.WriteInt64LittleEndian(record, page);
            table.AsReadOnlySpan(page * pageSize, pageSize).CopyTo(record.AsSpan(sizeof(long)));
            file.Write(record);
        }

        file.Flush(flushToDisk: true);
        return file.Length;
    }

    /// <summary>Reads and checks a header: (epoch, page size, record count, table pages).</summary>
    public static (int Epoch, int PageSize, int Records, long TablePages) ReadHeader(SafeFileHandle handle, string path)
    {
        var header = new byte[HeaderSize];
        if (RandomAccess.Read(handle, header, 0) != HeaderSize || !header.AsSpan(0, 8).SequenceEqual(Magic) ||
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != Version)
        {
            throw new InvalidDataException($"{path} is not a version {Version} checkpoint file.");
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)), BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16)),
                BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(20)), BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24)));
    }
}

/// <summary>
/// The base snapshot and its incrementals, indexed once: for every page, the file and offset of its latest version.
/// <see cref="ReadPage"/> is called by the restore region's handler threads, concurrently: it only does positional
/// reads on handles opened here, so it needs no lock.
/// </summary>
public sealed class SnapshotChain : IDisposable
{
    private readonly SafeFileHandle[] files;
    private readonly int[] fileOf;
    private readonly long[] offsetOf;
    private readonly int pageSize;

    /// <param name="paths">The checkpoint files, oldest (the full snapshot) first.</param>
    public SnapshotChain(IReadOnlyList<string> paths, int pageSize)
    {
        this.pageSize = pageSize;
        files = new SafeFileHandle[paths.Count];
        fileOf = [];
        offsetOf = [];
        var id = new byte[sizeof(long)];
        for (int f = 0; f < paths.Count; f++)
        {
            files[f] = File.OpenHandle(paths[f]);
            (_, int filePageSize, int records, long tablePages) = SnapshotFile.ReadHeader(files[f], paths[f]);
            if (f == 0)
            {
                fileOf = new int[tablePages];
                offsetOf = new long[tablePages];
                Array.Fill(fileOf, -1);
            }

            if (filePageSize != pageSize || tablePages != fileOf.Length)
            {
                throw new InvalidDataException($"{paths[f]} has {tablePages} pages of {filePageSize} bytes; expected {fileOf.Length} of {pageSize}.");
            }

            for (int r = 0; r < records; r++)
            {
                long recordOffset = SnapshotFile.HeaderSize + (long)r * (sizeof(long) + pageSize);
                RandomAccess.Read(files[f], id, recordOffset);
                long page = BinaryPrimitives.ReadInt64LittleEndian(id);
                fileOf[page] = f;                                   // a newer file overrides an older one
                offsetOf[page] = recordOffset + sizeof(long);
            }
        }

        int missing = Array.IndexOf(fileOf, -1);
        if (missing >= 0)
        {
            throw new InvalidDataException($"No checkpoint holds page {missing}: the chain does not start with a full snapshot.");
        }
    }

    /// <summary>How many pages have their latest version in each file.</summary>
    public int[] PagesPerFile()
    {
        var counts = new int[files.Length];
        foreach (int f in fileOf)
        {
            counts[f]++;
        }

        return counts;
    }

    /// <summary>Copies the latest version of a page. Throws on a short read: the region's FailFast policy names the page.</summary>
    public void ReadPage(long pageIndex, Span<byte> page)
    {
        int read = RandomAccess.Read(files[fileOf[pageIndex]], page[..pageSize], offsetOf[pageIndex]);
        if (read != pageSize)
        {
            throw new InvalidDataException($"Page {pageIndex}: the snapshot file ends after {read} of {pageSize} bytes.");
        }
    }

    public void Dispose()
    {
        foreach (SafeFileHandle file in files)
        {
            file?.Dispose();
        }
    }
}
