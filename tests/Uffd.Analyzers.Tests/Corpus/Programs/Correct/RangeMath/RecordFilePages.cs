using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.RecordFilePages;

/// <summary>A file of fixed 4096-byte records (the file format's record size, not the machine's page size).</summary>
public static class RecordFile
{
    public const int RecordSize = 4096;

    public static byte[] ReadRecord(Stream stream, long recordIndex)
    {
        stream.Seek(recordIndex * RecordSize, SeekOrigin.Begin);
        var record = new byte[RecordSize];
        stream.ReadExactly(record);
        return record;
    }

    public static long RecordCount(Stream stream) => stream.Length / RecordSize;
}

/// <summary>Maps the records: each page holds as many whole records as fit in it.</summary>
[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class RecordPages(SafeFileHandle file)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int recordsPerPage = Math.Max(1, page.Length / RecordFile.RecordSize);
        long firstRecord = pageIndex * recordsPerPage;
        int read = RandomAccess.Read(file, page.Slice(0, Math.Min(page.Length, recordsPerPage * RecordFile.RecordSize)), firstRecord * RecordFile.RecordSize);
        page.Slice(read).Clear();
    }
}
