using System;
using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CompressedPages;

/// <summary>The original bytes, page by page: what the compressed files are made from and what the region is checked against.</summary>
internal abstract class PageSource : IDisposable
{
    protected PageSource(long pages, long bytes, int pageSize) => (Pages, Bytes, PageSize) = (pages, bytes, pageSize);

    public long Pages { get; }

    /// <summary>The source's own length (a user file's last page is zero-padded beyond it).</summary>
    public long Bytes { get; }

    public int PageSize { get; }

    /// <summary>Writes page <paramref name="index"/> (exactly <see cref="PageSize"/> bytes) into <paramref name="page"/>.</summary>
    public abstract void CopyPage(long index, Span<byte> page);

    public virtual void Dispose()
    {
    }
}

/// <summary>Text naming its page, repeated: compresses well, and a page served at the wrong index would show it.</summary>
internal sealed class GeneratedPages(long pages, int pageSize) : PageSource(pages, pages * pageSize, pageSize)
{
    public override void CopyPage(long index, Span<byte> page)
    {
        byte[] line = Encoding.ASCII.GetBytes($"page {index:D5} of {Pages:D5}: filled from its compressed file on first access.\n");
        for (int offset = 0; offset < page.Length; offset += line.Length)
        {
            line.AsSpan(0, Math.Min(line.Length, page.Length - offset)).CopyTo(page[offset..]);
        }
    }
}

/// <summary>A user's file split into pages; the last page is zero-padded.</summary>
internal sealed class FilePages : PageSource
{
    private readonly SafeFileHandle file;

    private FilePages(SafeFileHandle file, long bytes, int pageSize)
        : base((bytes + pageSize - 1) / pageSize, bytes, pageSize) => this.file = file;

    public static FilePages Open(string path, int pageSize)
    {
        SafeFileHandle file = File.OpenHandle(path);
        return new FilePages(file, RandomAccess.GetLength(file), pageSize);
    }

    public override void CopyPage(long index, Span<byte> page)
    {
        page.Clear();
        long offset = index * PageSize;
        int wanted = (int)Math.Min(PageSize, Bytes - offset);
        int done = 0;
        while (done < wanted)
        {
            int read = RandomAccess.Read(file, page[done..wanted], offset + done);
            if (read == 0)
            {
                throw new IOException($"The file shrank while it was read (page {index}).");
            }

            done += read;
        }
    }

    public override void Dispose() => file.Dispose();
}
