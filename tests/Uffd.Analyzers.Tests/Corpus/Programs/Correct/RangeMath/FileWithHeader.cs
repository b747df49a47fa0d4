using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.FileWithHeader;

/// <summary>
/// Maps the body of a file whose first 4 KiB are a header: region offset 0 is file offset 4096, whatever the page size.
/// </summary>
[FaultRegion(UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class Body(SafeFileHandle file, long fileLength)
{
    private const long HeaderBytes = 4096;

    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        long position = HeaderBytes + context.Offset;
        int read = position < fileLength ? RandomAccess.Read(file, page, position) : 0;
        page.Slice(read).Clear();
    }

    public static Body OpenFile(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        long bodyBytes = Math.Max(0, length - HeaderBytes);
        var body = new Body(handle, length);
        body.Open(Math.Max(1, (bodyBytes + Environment.SystemPageSize - 1) / Environment.SystemPageSize));
        return body;
    }
}
