using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.FaultOffsetFileImage;

/// <summary>
/// A disk image served page by page: the provider turns the fault address into a file offset with plain address
/// arithmetic (a distance from BaseAddress, never a dereference) and reads that part of the file into the page.
/// </summary>
[FaultRegion(OnProviderError = ProviderErrorPolicy.Poison, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class DiskImage
{
    private readonly SafeFileHandle _file;
    private readonly long _fileLength;

    public DiskImage(string path)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        _fileLength = RandomAccess.GetLength(_file);
    }

    public void OpenImage() => Open((_fileLength + Environment.SystemPageSize - 1) / Environment.SystemPageSize);

    [PageProvider(WritesWholePage = true)]
    private PageFill Fill(in PageFaultContext context, Span<byte> page)
    {
        long offset = (long)(context.Address - BaseAddress);
        if (offset >= _fileLength)
        {
            return PageFill.Zero;
        }

        int read = RandomAccess.Read(_file, page, offset);
        page[read..].Clear();
        return PageFill.Filled;
    }

    public string Describe() => $"image at 0x{BaseAddress:x}, {PageCount} pages of {PageSize} bytes, {Length} bytes";
}

public static class Program
{
    public static byte BootSignature(string path)
    {
        var image = new DiskImage(path);
        using (image)
        {
            image.OpenImage();
            Span<byte> signature = stackalloc byte[2];
            image.Read(510, signature);
            return signature[1];
        }
    }
}
