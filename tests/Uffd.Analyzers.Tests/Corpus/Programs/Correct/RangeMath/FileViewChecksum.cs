using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.FileViewChecksum;

/// <summary>A read-only view of a file: each page is read from the file on its first touch.</summary>
[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class FileView(SafeFileHandle file, long fileLength)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        long offset = pageIndex * page.Length;
        int read = offset < fileLength ? RandomAccess.Read(file, page, offset) : 0;
        page.Slice(read).Clear();
    }

    public static FileView OpenFile(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        int pageSize = Environment.SystemPageSize;
        var view = new FileView(handle, length);
        view.Open(Math.Max(1, (length + pageSize - 1) / pageSize));
        return view;
    }
}

public static class Checksums
{
    /// <summary>Sums the file through the region, 4 KiB at a time (a copy buffer: any size would do).</summary>
    public static uint Sum(string path)
    {
        using FileView view = FileView.OpenFile(path);
        byte[] chunk = new byte[4096];
        uint sum = 0;
        for (long offset = 0; offset < view.Length; offset += chunk.Length)
        {
            int n = (int)Math.Min(chunk.Length, view.Length - offset);
            view.Read(offset, chunk.AsSpan(0, n));
            foreach (byte b in chunk.AsSpan(0, n))
            {
                sum = unchecked(sum * 31 + b);
            }
        }

        return sum;
    }
}
