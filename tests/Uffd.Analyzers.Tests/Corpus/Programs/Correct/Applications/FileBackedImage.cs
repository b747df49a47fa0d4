using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.FileBackedImage;

/// <summary>A disk image read lazily: each page comes from the file the first time it is touched.</summary>
[FaultRegion(ReadAhead = 8)]
public sealed partial class DiskImage
{
    private readonly SafeFileHandle _file;
    private readonly long _fileLength;

    public DiskImage(string path)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        _fileLength = RandomAccess.GetLength(_file);
    }

    public static DiskImage OpenImage(string path)
    {
        var image = new DiskImage(path);
        long pageSize = Environment.SystemPageSize;
        image.Open((image._fileLength + pageSize - 1) / pageSize);
        return image;
    }

    [PageProvider(WritesWholePage = false)]
    private PageFill Fill(PageFaultContext context, Span<byte> page)
    {
        long offset = context.PageIndex * context.PageSize;
        if (offset >= _fileLength)
        {
            return PageFill.Zero;
        }

        int read = RandomAccess.Read(_file, page, offset);
        return read == 0 ? PageFill.Zero : PageFill.Filled;
    }

    public void CopySectorTo(long sector, Span<byte> destination)
    {
        // 512-byte sectors, as the image format counts them.
        const int SectorSize = 512;
        Read(sector * SectorSize, destination.Slice(0, SectorSize));
    }
}

public static class Program
{
    public static int Checksum(string path)
    {
        using DiskImage image = DiskImage.OpenImage(path);
        byte[] buffer = new byte[4096];
        int sum = 0;
        for (long offset = 0; offset < image.Length; offset += buffer.Length)
        {
            int length = (int)Math.Min(buffer.Length, image.Length - offset);
            image.Read(offset, buffer.AsSpan(0, length));
            foreach (byte b in buffer.AsSpan(0, length))
            {
                sum = unchecked(sum * 31 + b);
            }
        }

        return sum;
    }
}
